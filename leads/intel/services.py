"""Lead intelligence rules: accept a collected batch, record it, identify persons, honour the blacklist."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import reduce
from operator import or_
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from leadplatform.api.counters import counter_store

from .models import BlacklistEntry, Company, Person, Site, VisitAction, VisitSession
from .resolution import company_by_domains, parent_domains, resolve_ip

UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


# Beacons of a held (suspended or inactive) advertiser's sites: accepted (the page cannot tell), counted here, not stored.
NOT_STORED_COUNTER = "intel:beacons-not-stored:{advertiser_id}"
NOT_STORED_COUNTER_TTL = 30 * 24 * 3600


def accept_collected_batch(site: Site, ip: str | None, user_agent: str, batch: dict[str, Any]) -> None:
    """Queue a validated batch from the snippet; the write happens in a worker after commit."""
    from . import tasks

    if site.advertiser.is_held:
        counter_store().incr(
            NOT_STORED_COUNTER.format(advertiser_id=site.advertiser_id), ttl=NOT_STORED_COUNTER_TTL,
            amount=len(batch["actions"]),
        )
        return

    received_at = timezone.now().isoformat()
    # Tracking is best effort (a beacon is never resent): a broker outage is logged, not a 500 to the page.
    transaction.on_commit(
        lambda: tasks.record_visit_batch.delay(site.pk, ip, user_agent[:500], received_at, batch), robust=True
    )


def utm_parameters(url: str) -> dict[str, str]:
    query = parse_qs(urlsplit(url).query)
    return {name: query[name][0][:200] for name in UTM_FIELDS if query.get(name)}


def is_blacklisted(advertiser_id: int, company: Company | None, domains: Iterable[str]) -> bool:
    domains = {domain for domain in domains if domain}
    if company is not None and company.domain:
        domains.add(company.domain)
    conditions = [Q(domain__in=domains)] if domains else []
    if company is not None:
        conditions.append(Q(company=company))
    if not conditions:
        return False
    return BlacklistEntry.objects.filter(advertiser_id=advertiser_id).filter(reduce(or_, conditions)).exists()


def _occurred_at(received_at: datetime, sent_ms: int, at_ms: int) -> datetime:
    # Client clocks are wrong often; only the client's own differences are trusted.
    return received_at - timedelta(milliseconds=max(0, sent_ms - at_ms))


def record_visit_batch(
    site_id: int, ip: str | None, user_agent: str, received_at: str, batch: dict[str, Any]
) -> VisitSession | None:
    """Record one batch of the snippet's actions. Idempotent: a resent batch changes nothing."""
    site = Site.objects.filter(pk=site_id, active=True).first()
    if site is None:
        return None
    received = datetime.fromisoformat(received_at)
    actions = sorted(
        ({**action, "occurred_at": _occurred_at(received, batch["sent"], action["at"])} for action in batch["actions"]),
        key=lambda action: action["occurred_at"],
    )

    session = VisitSession.objects.filter(site=site, session_key=batch["session"]).select_related("company").first()
    if session is None:
        resolution = resolve_ip(ip)
        company, hostname, domains = resolution.company, resolution.hostname, resolution.domains
    else:
        company, hostname = session.company, session.hostname
        domains = parent_domains(hostname)
    if is_blacklisted(site.advertiser_id, company, domains):
        return None

    with transaction.atomic():
        if session is None:
            session = _create_session(site, batch, ip, user_agent, hostname, company, actions)
        # Batches of one session may be recorded by several workers at once. Each holds the
        # session's row until it commits, so the totals and the first touch below are computed
        # from every action and time recorded before, whichever batch or worker wrote them.
        locked = VisitSession.objects.select_for_update().filter(pk=session.pk)
        session.started_at, session.ended_at = locked.values_list("started_at", "ended_at").get()
        _record_actions(session, actions)
        _refresh_session(session)
    return session


def _create_session(
    site: Site, batch: dict, ip: str | None, user_agent: str, hostname: str, company: Company | None, actions: list
) -> VisitSession:
    session, _ = VisitSession.objects.get_or_create(
        site=site,
        session_key=batch["session"],
        defaults={
            "advertiser_id": site.advertiser_id,
            "visitor_id": batch["visitor"],
            "ip_address": ip,
            "hostname": hostname,
            "user_agent": user_agent,
            "company": company,
            "started_at": actions[0]["occurred_at"],
            "ended_at": actions[-1]["occurred_at"],
        },
    )
    return session


def _record_actions(session: VisitSession, actions: list[dict]) -> None:
    new_actions = []
    for action in actions:
        if action["type"] == "page":
            new_actions.append(
                VisitAction(
                    session=session, client_id=action["id"], type=VisitAction.Type.PAGE, url=action["url"],
                    title=action.get("title", ""), referrer=action.get("referrer", ""),
                    occurred_at=action["occurred_at"], **utm_parameters(action["url"]),
                )
            )
        elif action["type"] == "identify":
            person = identify_person(session, action["email"], action.get("name", ""), action["occurred_at"])
            if person is not None:
                new_actions.append(
                    VisitAction(
                        session=session, client_id=action["id"], type=VisitAction.Type.IDENTIFY,
                        email=person.email, name=action.get("name", ""), occurred_at=action["occurred_at"],
                    )
                )
    VisitAction.objects.bulk_create(new_actions, ignore_conflicts=True)
    for action in actions:
        if action["type"] == "leave":
            VisitAction.objects.filter(session=session, client_id=action["id"], type=VisitAction.Type.PAGE).update(
                time_on_page=action["time_on_page"]
            )


FIRST_TOUCH_FIELDS = ("url", "referrer", *UTM_FIELDS)


def _refresh_session(session: VisitSession) -> None:
    """Totals, and the first touch (landing URL, referrer, UTM) from the session's earliest page view."""
    totals = session.actions.aggregate(
        first=Min("occurred_at"), last=Max("occurred_at"), pages=Count("id", filter=Q(type=VisitAction.Type.PAGE))
    )
    pages = session.actions.filter(type=VisitAction.Type.PAGE)
    # The last page counts until it was left: its visible time extends the session.
    last_page = pages.order_by("-occurred_at", "-id").values("occurred_at", "time_on_page").first()
    first_page = pages.order_by("occurred_at", "id").values(*FIRST_TOUCH_FIELDS).first()
    started = min(filter(None, [session.started_at, totals["first"]]))
    ended = max(filter(None, [session.ended_at, totals["last"]]))
    if last_page is not None and last_page["time_on_page"]:
        ended = max(ended, last_page["occurred_at"] + timedelta(seconds=last_page["time_on_page"]))
    first_touch = {}
    if first_page is not None:
        first_touch = {"landing_url": first_page.pop("url"), **first_page}
    VisitSession.objects.filter(pk=session.pk).update(
        started_at=started,
        ended_at=ended,
        page_count=totals["pages"],
        duration=int((ended - started).total_seconds()),
        **first_touch,
    )


def identify_person(session: VisitSession, email: str, name: str, seen_at: datetime) -> Person | None:
    """The person behind an identify: found or created by e-mail, unless their domain is blacklisted."""
    email = email.strip().lower()
    email_domains = parent_domains(email.rpartition("@")[2])
    email_company = company_by_domains(email_domains)
    if is_blacklisted(session.advertiser_id, email_company, email_domains):
        return None
    company = email_company or session.company
    person, created = Person.objects.get_or_create(
        advertiser_id=session.advertiser_id,
        email=email,
        defaults={"name": name, "company": company, "first_seen_at": seen_at, "last_seen_at": seen_at},
    )
    if not created:
        changes = {"last_seen_at": max(person.last_seen_at, seen_at)}
        if name:
            changes["name"] = name
        if person.company_id is None and company is not None:
            changes["company"] = company
        Person.objects.filter(pk=person.pk).update(**changes)
    VisitSession.objects.filter(pk=session.pk).update(person=person)
    session.person = person
    return person
