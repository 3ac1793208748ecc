"""Seed 001 at /api/social/: group-post scraping tasks."""
