"""Web-scraper views of the shared scraping models: a proxy model so admin lists web jobs on their own."""

from __future__ import annotations

from django.db import models

from accounts.scoping import TenantScopedQuerySet

from .core import ScrapeJob


class WebJobManager(models.Manager.from_queryset(TenantScopedQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(kind=ScrapeJob.Kind.WEB)


class WebJob(ScrapeJob):
    """A `ScrapeJob` of kind "web" (the web scraper API); same table, its own admin page."""

    objects = WebJobManager()

    class Meta:
        proxy = True
        verbose_name = "web job"
        ordering = ["-id"]

    def save(self, *args, **kwargs):
        self.kind = ScrapeJob.Kind.WEB
        super().save(*args, **kwargs)
