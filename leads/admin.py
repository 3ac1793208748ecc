"""Admin of the leads app. Each scraping concern keeps its admin classes in its own module."""

# --- web scraper (issue 6): web jobs, results, proxies, webhooks, deliveries ---------
from . import admin_web  # noqa: F401  (registers the web scraper's admin classes)
