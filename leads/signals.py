"""Leads' side of account events: the work an advertiser's hold kept waiting resumes when it is lifted."""

from __future__ import annotations

from django.dispatch import receiver

from accounts.signals import advertiser_reactivated


@receiver(advertiser_reactivated, dispatch_uid="leads.resume_held_work")
def resume_held_work(sender, advertiser, **kwargs) -> None:
    # Beat would send the waiting jobs at its next dispatch; this sends them now.
    from .tasks import dispatch_scrape_jobs

    dispatch_scrape_jobs.delay()
