"""Scraping models. core: shared by every scraping surface; one module per further concern."""
from .core import ContentItem, Lead, Platform, Proxy, ScrapeJob, Target, Webhook, WebhookDelivery, WebResult

__all__ = [
    "ContentItem",
    "Lead",
    "Platform",
    "Proxy",
    "ScrapeJob",
    "Target",
    "Webhook",
    "WebhookDelivery",
    "WebResult",
]
