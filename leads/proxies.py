"""The platform's proxy pool: which proxies crawls rotate through, their record, bans and re-checks."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db.models import Avg, Case, Count, F, FloatField, Value, When
from django.db.models.functions import Cast
from django.utils import timezone

from leads import outbound
from leads.models import Proxy

logger = logging.getLogger(__name__)


def active_proxy_urls() -> list[str]:
    return list(
        Proxy.objects.filter(status=Proxy.Status.ACTIVE)
        .order_by("last_used_at", "id")
        .values_list("url", flat=True)[:200]
    )


def record_outcomes(rotation) -> None:
    """Write one crawl's counts back (atomic F() updates) and ban proxies blocked too often in a row."""
    if rotation is None or not rotation.urls:
        return
    now = timezone.now()
    for url in rotation.urls:
        successes, failures = rotation.successes[url], rotation.failures[url]
        if not successes and not failures:
            continue
        consecutive = rotation.consecutive[url]
        Proxy.objects.filter(url=url).update(
            success_count=F("success_count") + successes,
            failure_count=F("failure_count") + failures,
            # A success resets the streak; otherwise this crawl's blocks extend it.
            consecutive_failures=Value(consecutive) if successes else F("consecutive_failures") + consecutive,
            last_used_at=now,
        )
    ban_exhausted()


def ban_exhausted() -> int:
    return Proxy.objects.filter(
        status=Proxy.Status.ACTIVE, consecutive_failures__gte=settings.SCRAPER_PROXY_BAN_AFTER
    ).update(status=Proxy.Status.BANNED)


def check_proxy(proxy: Proxy) -> bool:
    """One request through the proxy to SCRAPER_PROXY_CHECK_URL; records the outcome."""
    try:
        response = outbound.request(
            "GET", settings.SCRAPER_PROXY_CHECK_URL, proxy=proxy.url, timeout=10, max_bytes=256 * 1024
        )
        ok = response.ok
    except outbound.OutboundError:
        ok = False
    now = timezone.now()
    if ok:
        Proxy.objects.filter(pk=proxy.pk).update(
            status=Proxy.Status.ACTIVE,
            success_count=F("success_count") + 1,
            consecutive_failures=0,
            last_checked_at=now,
        )
    else:
        Proxy.objects.filter(pk=proxy.pk).update(
            failure_count=F("failure_count") + 1,
            consecutive_failures=F("consecutive_failures") + 1,
            last_checked_at=now,
        )
    return ok


def recheck_proxies() -> dict[str, int]:
    """Beat: re-check every proxy; banned ones that answer again come back, failing ones get banned."""
    results = {"ok": 0, "failed": 0}
    for proxy in Proxy.objects.order_by("id").iterator():
        results["ok" if check_proxy(proxy) else "failed"] += 1
    results["banned"] = ban_exhausted()
    return results


def proxy_summary() -> dict:
    """`/monitoring/proxies`: counts and average success rate (percent) by status, in one query."""
    attempts = F("success_count") + F("failure_count")
    rate = Case(
        When(success_count=0, failure_count=0, then=Value(100.0)),
        default=Cast(F("success_count"), FloatField()) * 100.0 / Cast(attempts, FloatField()),
        output_field=FloatField(),
    )
    rows = Proxy.objects.values("status").annotate(count=Count("id"), avg_success_rate=Avg(rate)).order_by("status")
    by_status = {status: {"count": 0, "avg_success_rate": 0.0} for status in Proxy.Status.values}
    for row in rows:
        by_status[row["status"]] = {"count": row["count"], "avg_success_rate": round(row["avg_success_rate"] or 0.0, 2)}
    return {"total_proxies": sum(item["count"] for item in by_status.values()), "by_status": by_status}
