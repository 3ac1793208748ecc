"""The web-scraper surface (the web scraper API) at /api/web/v1/."""
