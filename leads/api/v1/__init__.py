"""The social lead API at /api/v1/: jobs, targets, leads, content analysis and stats."""
