"""The web-scraper surface (seed 004) at /api/web/v1/."""
