"""Admin of the leads app. Each scraping concern keeps its admin classes in its own package;
importing them registers them."""

from .social import admin as social_admin  # noqa: F401  jobs, targets, leads, content items, credentials
from .web import admin as web_admin  # noqa: F401  web jobs, results, proxies, webhooks, deliveries
