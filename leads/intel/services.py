"""Lead intelligence rules: accept a collected batch, record it, identify persons, honour the blacklist."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import reduce
from operator import or_
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from leadplatform.api.counters import counter_store

from . import alerts, enrichment, scores
from .beacon_queue import beacon_queue
from .models import UTM_FIELDS, BlacklistEntry, Company, Person, Site, VisitAction, VisitSession
from .resolution import Resolution, company_by_domains, parent_domains, resolve_ip
from .sites import SiteEntry

# Beacons of a held (suspended or inactive) advertiser's sites: accepted (the page cannot tell), counted here, not stored.
NOT_STORED_COUNTER = "intel:beacons-not-stored:{advertiser_id}"
NOT_STORED_COUNTER_TTL = 30 * 24 * 3600


def accept_collected_batch(site: Site | SiteEntry, ip: str | None, user_agent: str, batch: dict[str, Any]) -> None:
    """Queue a validated batch from the snippet; the write happens in a worker after commit."""
    if site.is_held:
        count_not_stored(site.advertiser_id, len(batch["actions"]))
        return
    queue = beacon_queue()
    if queue is None:
        _publish_batch(site.pk, ip, user_agent, batch)
        return
    beacon = queued_beacon(site.pk, ip, user_agent, batch)

    def queue_it() -> None:
        if queue.queue(beacon):
            publish_drain()

    # Tracking is best effort (a beacon is never resent): a broker outage is logged, not a 500 to the page.
    transaction.on_commit(queue_it, robust=True)


def count_not_stored(advertiser_id: int, actions: int) -> None:
    counter_store().incr(
        NOT_STORED_COUNTER.format(advertiser_id=advertiser_id), ttl=NOT_STORED_COUNTER_TTL, amount=actions
    )


def _publish_batch(site_id: int, ip: str | None, user_agent: str, batch: dict[str, Any]) -> None:
    """Without Redis: one Celery task per batch."""
    from . import tasks

    received_at = timezone.now().isoformat()
    transaction.on_commit(
        lambda: tasks.record_visit_batch.delay(site_id, ip, user_agent[:500], received_at, batch), robust=True
    )


def queued_beacon(site_id: int, ip: str | None, user_agent: str, batch: dict[str, Any]) -> str:
    """A beacon as it waits in the queue: the batch and what the request knew (received: epoch seconds)."""
    return json.dumps(
        {"site": site_id, "ip": ip, "ua": user_agent[:500], "received": time.time(), "batch": batch},
        separators=(",", ":"),
    )


def publish_drain() -> None:
    from . import tasks

    tasks.drain_collected_beacons.delay()


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
        company, domains = resolution.company, resolution.domains
    else:
        company, domains = session.company, parent_domains(session.hostname)
    if is_blacklisted(site.advertiser_id, company, domains):
        return None

    with transaction.atomic():
        if session is None:
            session = _create_session(site, batch, ip, user_agent, resolution, actions)
        # Batches of one session may be recorded by several workers at once. Each holds the
        # session's row until it commits, so the totals and the first touch below are computed
        # from every action and time recorded before, whichever batch or worker wrote them.
        locked = VisitSession.objects.select_for_update().filter(pk=session.pk)
        session.started_at, session.ended_at = locked.values_list("started_at", "ended_at").get()
        _record_actions(session, actions)
        _refresh_session(session)
        counted = scores.count_sessions([session.pk])
        alerts.match_sessions(counted.sessions, counted.urls, counted.rows)
    return session


def _create_session(
    site: Site, batch: dict, ip: str | None, user_agent: str, resolution: Resolution, actions: list
) -> VisitSession:
    session, _ = VisitSession.objects.get_or_create(
        site=site,
        session_key=batch["session"],
        defaults={
            "advertiser_id": site.advertiser_id,
            "visitor_id": batch["visitor"],
            "ip_address": ip,
            "user_agent": user_agent,
            **resolution.session_fields(),
            "started_at": actions[0]["occurred_at"],
            "ended_at": actions[-1]["occurred_at"],
        },
    )
    return session


#: The actions stored as rows of their own; a leave updates its page's row instead.
ROW_ACTIONS = ("page", "identify")


def _action_row(session: VisitSession, action: dict) -> VisitAction | None:
    """The row of a page or identify action; None for an identify that names no person."""
    if action["type"] == "page":
        return VisitAction(
            session=session,
            client_id=action["id"],
            type=VisitAction.Type.PAGE,
            url=action["url"],
            title=action.get("title", ""),
            referrer=action.get("referrer", ""),
            occurred_at=action["occurred_at"],
            **utm_parameters(action["url"]),
        )
    person = identify_person(session, action["email"], action.get("name", ""), action["occurred_at"])
    if person is None:
        return None
    return VisitAction(
        session=session,
        client_id=action["id"],
        type=VisitAction.Type.IDENTIFY,
        email=person.email,
        name=action.get("name", ""),
        occurred_at=action["occurred_at"],
    )


def _record_actions(session: VisitSession, actions: list[dict]) -> None:
    new_actions = []
    for action in actions:
        if action["type"] in ROW_ACTIONS:
            row = _action_row(session, action)
            if row is not None:
                new_actions.append(row)
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
    if email_company is None and session.company is not None:
        enrichment.domain_from_email(session.company, email)
    # Last in the order of resolution: a visit no address named a company for is the identified person's.
    session_changes = {"person": person}
    if session.company_id is None and email_company is not None:
        session_changes["company"] = session.company = email_company
    VisitSession.objects.filter(pk=session.pk).update(**session_changes)
    session.person = person
    return person


# ------------------------------------------------------------------------------
# The queue drained in bulk: many beacons, a few statements
# ------------------------------------------------------------------------------
DRAIN_CHUNK = 500
DRAIN_BUDGET_SECONDS = 20.0


def drain_collected_beacons(chunk: int = DRAIN_CHUNK, budget_seconds: float = DRAIN_BUDGET_SECONDS) -> int:
    """Record the queued beacons, `chunk` at a time, until the queue is empty or the time is up.

    A chunk that fails goes back to the head of the queue (recording is idempotent, so a retry
    records nothing twice); a worker killed mid-chunk loses that chunk, like a lost beacon.
    """
    queue = beacon_queue()
    if queue is None:
        return 0
    drained, deadline = 0, time.monotonic() + budget_seconds
    while time.monotonic() < deadline:
        taken = queue.take(chunk)
        if not taken:
            # A beacon queued while the gate was still shut published nothing: look once more after opening it.
            queue.open_gate()
            if not queue.length():
                return drained
            continue
        try:
            record_beacons([json.loads(raw) for raw in taken])
        except BaseException:
            queue.give_back(taken)
            raise
        drained += len(taken)
    publish_drain()  # out of time with beacons left: the next drain goes on
    return drained


def record_beacons(beacons: list[dict[str, Any]]) -> None:
    """Record many queued beacons with a constant number of statements (identifies aside).

    The same rules as `record_visit_batch`: a session is created by its first beacon (its address
    resolved once), blacklisted companies and domains are skipped, and under the sessions' row
    locks the totals and first touch are recomputed from every action recorded so far.
    """
    by_session = _beacons_by_session(beacons)
    if not by_session:
        return
    existing = _sessions_of(by_session)
    blacklist = _Blacklist.load({site.advertiser_id for site, _ in by_session.values()})
    new_sessions, actions_of = [], {}
    resolutions: dict[str | None, Any] = {}
    for key, (site, group) in by_session.items():
        session = existing.get(key)
        if session is None:
            ip = group[0]["ip"]
            if ip not in resolutions:
                resolutions[ip] = resolve_ip(ip)
            resolution = resolutions[ip]
            company, domains = resolution.company, resolution.domains
        else:
            company, domains = session.company, parent_domains(session.hostname)
        if blacklist.blocks(site.advertiser_id, company, domains):
            continue
        actions_of[key] = _timed_actions(group)
        if session is None:
            first = group[0]
            new_sessions.append(
                VisitSession(
                    advertiser_id=site.advertiser_id,
                    site=site,
                    session_key=key[1],
                    visitor_id=first["batch"]["visitor"],
                    ip_address=first["ip"],
                    user_agent=first["ua"],
                    **resolution.session_fields(),
                    started_at=actions_of[key][0]["occurred_at"],
                    ended_at=actions_of[key][-1]["occurred_at"],
                )
            )
    if not actions_of:
        return
    # Committed before the locks are taken, in one order: concurrent drains never wait on each other's inserts.
    new_sessions.sort(key=lambda session: (session.site_id, session.session_key))
    VisitSession.objects.bulk_create(new_sessions, ignore_conflicts=True)
    with transaction.atomic():
        sessions = _lock_sessions(actions_of)
        _record_actions_in_bulk(sessions, actions_of)
        refresh_sessions(list(sessions.values()))
        counted = scores.count_sessions([session.pk for session in sessions.values()])
        alerts.match_sessions(counted.sessions, counted.urls, counted.rows)


def _beacons_by_session(beacons: list[dict]) -> dict[tuple[int, str], tuple[Site, list[dict]]]:
    sites = Site.objects.filter(pk__in={beacon["site"] for beacon in beacons}, active=True).select_related("advertiser")
    sites = {site.pk: site for site in sites}
    by_session: dict[tuple[int, str], tuple[Site, list[dict]]] = {}
    for beacon in beacons:
        site = sites.get(beacon["site"])
        if site is None:
            continue
        if site.advertiser.is_held:
            count_not_stored(site.advertiser_id, len(beacon["batch"]["actions"]))
            continue
        by_session.setdefault((site.pk, beacon["batch"]["session"]), (site, []))[1].append(beacon)
    return by_session


def _sessions_of(keys: Iterable[tuple[int, str]], lock: bool = False) -> dict[tuple[int, str], VisitSession]:
    keys = set(keys)
    rows = VisitSession.objects.filter(
        site_id__in={site_id for site_id, _ in keys}, session_key__in={session_key for _, session_key in keys}
    )
    if lock:
        rows = rows.select_for_update().order_by("pk")  # one lock order for every drain: no deadlock
    else:
        rows = rows.select_related("company")
    return {(row.site_id, row.session_key): row for row in rows if (row.site_id, row.session_key) in keys}


def _lock_sessions(keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], VisitSession]:
    return _sessions_of(keys, lock=True)


class _Blacklist:
    """The blacklist entries that could match the sessions of a drain, read in one query."""

    def __init__(self, companies: dict[int, set[int]], domains: dict[int, set[str]]) -> None:
        self.companies, self.domains = companies, domains

    @classmethod
    def load(cls, advertisers: set[int]) -> _Blacklist:
        companies: dict[int, set[int]] = {}
        domains: dict[int, set[str]] = {}
        for advertiser_id, company_id, domain in BlacklistEntry.objects.filter(
            advertiser_id__in=advertisers
        ).values_list("advertiser_id", "company_id", "domain"):
            if company_id is not None:
                companies.setdefault(advertiser_id, set()).add(company_id)
            if domain:
                domains.setdefault(advertiser_id, set()).add(domain)
        return cls(companies, domains)

    def blocks(self, advertiser_id: int, company: Company | None, domains: Iterable[str]) -> bool:
        listed_domains = self.domains.get(advertiser_id, ())
        names = {domain for domain in domains if domain}
        if company is not None:
            if company.pk in self.companies.get(advertiser_id, ()):
                return True
            if company.domain:
                names.add(company.domain)
        return any(name in listed_domains for name in names)


def _timed_actions(group: list[dict]) -> list[dict]:
    actions = []
    for beacon in group:
        received = datetime.fromtimestamp(beacon["received"], tz=UTC)
        sent = beacon["batch"]["sent"]
        actions += [
            {**action, "occurred_at": _occurred_at(received, sent, action["at"])}
            for action in beacon["batch"]["actions"]
        ]
    actions.sort(key=lambda action: action["occurred_at"])
    return actions


def _record_actions_in_bulk(sessions: dict[tuple[int, str], VisitSession], actions_of: dict) -> None:
    new_actions, leaves = [], {}
    for key, actions in actions_of.items():
        session = sessions.get(key)
        if session is None:  # its insert lost to a concurrent drain's and that session is blacklisted since
            continue
        for action in actions:
            if action["type"] in ROW_ACTIONS:
                row = _action_row(session, action)
                if row is not None:
                    new_actions.append(row)
            else:
                leaves[(session.pk, action["id"])] = action["time_on_page"]
    VisitAction.objects.bulk_create(new_actions, ignore_conflicts=True)
    _record_leaves(leaves)


def _record_leaves(leaves: dict[tuple[int, str], int]) -> None:
    """Each leave sets its page's time on page (the latest leave of a page wins)."""
    if not leaves:
        return
    pages = VisitAction.objects.filter(
        type=VisitAction.Type.PAGE,
        session_id__in={session_id for session_id, _ in leaves},
        client_id__in={client_id for _, client_id in leaves},
    ).only("id", "session_id", "client_id")
    changed = []
    for page in pages:
        seconds = leaves.get((page.session_id, page.client_id))
        if seconds is not None:
            page.time_on_page = seconds
            changed.append(page)
    VisitAction.objects.bulk_update(changed, ["time_on_page"], batch_size=500)


REFRESH_SESSIONS_SQL = """
WITH totals AS (
    SELECT session_id, MIN(occurred_at) AS first_at, MAX(occurred_at) AS last_at,
           COUNT(*) FILTER (WHERE type = 'page') AS pages
    FROM {action} WHERE session_id = ANY(%(ids)s) GROUP BY session_id
), first_page AS (
    SELECT DISTINCT ON (session_id) session_id, url, referrer, utm_source, utm_medium, utm_campaign, utm_term,
           utm_content
    FROM {action} WHERE session_id = ANY(%(ids)s) AND type = 'page' ORDER BY session_id, occurred_at, id
), last_page AS (
    SELECT DISTINCT ON (session_id) session_id,
           CASE WHEN time_on_page > 0 THEN occurred_at + time_on_page * INTERVAL '1 second' END AS left_at
    FROM {action} WHERE session_id = ANY(%(ids)s) AND type = 'page'
    ORDER BY session_id, occurred_at DESC, id DESC
), bounds AS (
    SELECT s.id, LEAST(s.started_at, t.first_at) AS started, GREATEST(s.ended_at, t.last_at, l.left_at) AS ended,
           COALESCE(t.pages, 0) AS pages
    FROM {session} s LEFT JOIN totals t ON t.session_id = s.id LEFT JOIN last_page l ON l.session_id = s.id
    WHERE s.id = ANY(%(ids)s)
)
UPDATE {session} s SET
    started_at = b.started, ended_at = b.ended, page_count = b.pages,
    duration = FLOOR(EXTRACT(EPOCH FROM b.ended - b.started))::integer,
    landing_url = COALESCE(f.url, s.landing_url), referrer = COALESCE(f.referrer, s.referrer),
    utm_source = COALESCE(f.utm_source, s.utm_source), utm_medium = COALESCE(f.utm_medium, s.utm_medium),
    utm_campaign = COALESCE(f.utm_campaign, s.utm_campaign), utm_term = COALESCE(f.utm_term, s.utm_term),
    utm_content = COALESCE(f.utm_content, s.utm_content)
FROM bounds b LEFT JOIN first_page f ON f.session_id = b.id
WHERE s.id = b.id
"""


def refresh_sessions(sessions: list[VisitSession]) -> None:
    """`_refresh_session` for many locked sessions: one statement on PostgreSQL."""
    if not sessions:
        return
    if connection.vendor != "postgresql":
        for session in sessions:
            _refresh_session(session)
        return
    sql = REFRESH_SESSIONS_SQL.format(action=VisitAction._meta.db_table, session=VisitSession._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, {"ids": [session.pk for session in sessions]})
