"""Seed 000 at /api/v1/: jobs, targets, leads, content analysis and stats."""
