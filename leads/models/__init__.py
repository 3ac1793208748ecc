"""Scraping models. core: shared by every scraping surface; one module per further concern."""

from .core import ContentItem, Lead, Platform, Proxy, ScrapeJob, Target, Webhook, WebhookDelivery, WebResult
from .exports import BackgroundExport
from .social import ConnectorCredential, HashtagQuery, JobDispatch, JobUnit, LeadCount, SocialJob
from .web import WebJob
from .workers import WorkerHeartbeat

__all__ = [
    "BackgroundExport",
    "ConnectorCredential",
    "HashtagQuery",
    "JobDispatch",
    "JobUnit",
    "LeadCount",
    "SocialJob",
    "ContentItem",
    "Lead",
    "Platform",
    "Proxy",
    "ScrapeJob",
    "Target",
    "Webhook",
    "WebhookDelivery",
    "WebJob",
    "WebResult",
    "WorkerHeartbeat",
]
