"""Admin of the leads app. Each scraping concern keeps its admin classes in its own module."""

# --- web scraper: web jobs, results, proxies, webhooks, deliveries ---------
from . import admin_web  # noqa: F401  (registers the web scraper's admin classes)

# --- social lead generation: jobs, targets, leads, content items, credentials ---
from . import admin_social  # noqa: F401,E402  (registers the social lead-generation admin classes)
