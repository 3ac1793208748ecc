"""Scraping (targets, jobs, leads, content, web results) and lead intelligence."""
