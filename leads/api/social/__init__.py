"""The group-post API at /api/social/: group-post scraping tasks."""
