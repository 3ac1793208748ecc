"""Admin of the leads app. Each scraping concern keeps its admin classes in its own module;
importing them registers them."""

from . import (
    admin_social,  # noqa: F401  social lead generation: jobs, targets, leads, content items, credentials
    admin_web,  # noqa: F401  web scraper: web jobs, results, proxies, webhooks, deliveries
)
