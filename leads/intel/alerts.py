"""Real-time alerts: an advertiser's watch rules matched against the visits being recorded.

`match_sessions` runs in the transaction that records a batch, right after the scores: each active rule of
the sessions' advertisers is checked against each session with a company (the listed companies, the
company's score now, the paths visited, the network's kind). A match inserts a `CompanyAlert` unless the
rule alerted on that company the same UTC day (a unique key decides, so concurrent drains alert once), and
`leads.events.company_alerts_recorded` announces the new alerts in that transaction: its receiver records their
signed `company.alert` webhook deliveries (sent after commit, retried as every delivery is) and, after commit,
queues the e-mail (`send_alert_emails`, a Celery task; beat sends what an outage left unsent).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from fnmatch import fnmatchcase
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Membership
from leadplatform.site_url import platform_base_url
from leads import events

from .models import CompanyAlert, NetworkKind, VisitSession, WatchRule
from .scores import score_at


def match_sessions(sessions: Iterable[VisitSession], urls: dict[int, list[str]], rows: dict) -> list[int]:
    """Alerts for these freshly recorded sessions; returns the ids of the alerts created."""
    sessions = [session for session in sessions if session.company_id is not None]
    if not sessions:
        return []
    rules = _active_rules({session.advertiser_id for session in sessions})
    if not rules:
        return []
    today = timezone.now().date()
    candidates = {}
    for session in sessions:
        row = rows.get((session.advertiser_id, session.company_id))
        score = score_at(row.points, row.anchored_at) if row else 0.0
        paths = [urlsplit(url).path or "/" for url in urls.get(session.pk, [])]
        for rule, company_ids in rules.get(session.advertiser_id, []):
            reason = _reason(rule, company_ids, session, score, paths)
            if reason is not None:
                candidates.setdefault((rule.pk, session.company_id), (rule, session, score, reason))
    created = _insert_once_a_day(candidates.values(), today)
    if created:
        events.company_alerts_recorded.send(sender=CompanyAlert, alert_ids=created)
    return created


def _active_rules(advertiser_ids: set[int]) -> dict[int, list[tuple[WatchRule, set[int]]]]:
    rules = list(WatchRule.objects.filter(advertiser_id__in=advertiser_ids, active=True))
    listed = defaultdict(set)
    for rule_id, company_id in WatchRule.companies.through.objects.filter(
        watchrule_id__in=[rule.pk for rule in rules]
    ).values_list("watchrule_id", "company_id"):
        listed[rule_id].add(company_id)
    by_advertiser = defaultdict(list)
    for rule in rules:
        by_advertiser[rule.advertiser_id].append((rule, listed[rule.pk]))
    return by_advertiser


def _reason(rule: WatchRule, company_ids: set[int], session, score: float, paths: list[str]) -> str | None:
    """Why the rule matches the session, in words; None when it does not."""
    reasons = []
    if rule.network_kinds and (session.network_kind or NetworkKind.COMPANY) not in rule.network_kinds:
        return None
    if company_ids:
        if session.company_id not in company_ids:
            return None
        reasons.append("a watched company visited")
    if rule.score_above is not None:
        if score <= float(rule.score_above):
            return None
        reasons.append(f"score {score:,.1f} is above {rule.score_above}")
    if rule.path_pattern:
        matched = next((path for path in paths if fnmatchcase(path, rule.path_pattern)), None)
        if matched is None:
            return None
        reasons.append(f"visited {matched}")
    return "; ".join(reasons) or None


def _insert_once_a_day(candidates: Iterable[tuple], today) -> list[int]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: only the alerts this transaction really created."""
    rows = [
        (rule.advertiser_id, rule.pk, session.company_id, session.pk, today, reason[:500], score)
        for rule, session, score, reason in candidates
    ]
    if not rows:
        return []
    table = CompanyAlert._meta.db_table
    now = timezone.now()
    placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    params = [value for row in rows for value in (*row, now)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (advertiser_id, rule_id, company_id, session_id, day, reason, score, created_at) "
            f"VALUES {placeholders} ON CONFLICT (rule_id, company_id, day) DO NOTHING RETURNING id",
            params,
        )
        return [row[0] for row in cursor.fetchall()]


def alert_data(alert: CompanyAlert) -> dict:
    company = alert.company
    return {
        "alert_id": alert.pk,
        "rule": {"id": alert.rule_id, "name": alert.rule.name},
        "company": {"id": company.pk, "name": company.name, "domain": company.domain, "country": company.country},
        "session_id": alert.session_id,
        "reason": alert.reason,
        "score": round(alert.score, 1),
        "day": alert.day.isoformat(),
    }


def _recipients(alert: CompanyAlert) -> list[str]:
    listed = [address.strip() for address in alert.rule.email_to.split(",") if address.strip()]
    if listed:
        return listed
    owners = Membership.objects.filter(
        advertiser_id=alert.advertiser_id, role=Membership.Role.OWNER, user__is_active=True
    ).exclude(user__email="")
    return list(owners.values_list("user__email", flat=True))


def send_alert_emails(alert_ids: list[int] | None = None, older_than: timedelta | None = None) -> int:
    """E-mail the alerts not e-mailed yet (these ids, or all older than `older_than`); how many were sent.

    Each is sent under its row lock and marked sent in the same transaction: a crash before the commit
    sends it again (at least once), and two workers never send the same alert.
    """
    sent = 0
    pending = CompanyAlert.objects.filter(emailed_at__isnull=True)
    if alert_ids is not None:
        pending = pending.filter(pk__in=alert_ids)
    if older_than is not None:
        pending = pending.filter(created_at__lte=timezone.now() - older_than)
    for alert_id in pending.values_list("pk", flat=True):
        with transaction.atomic():
            alert = (
                CompanyAlert.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=alert_id, emailed_at__isnull=True)
                .select_related("rule", "company", "advertiser")
                .first()
            )
            if alert is None:
                continue
            recipients = _recipients(alert)
            if recipients:
                context = {"alert": alert, "admin_url": f"{platform_base_url()}/admin/intel/companyalert/{alert.pk}/"}
                send_mail(
                    subject=f"{alert.company.name} is on your site: {alert.rule.name}",
                    message=render_to_string("intel/alert_email.txt", context),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=recipients,
                )
                sent += 1
            CompanyAlert.objects.filter(pk=alert.pk).update(emailed_at=timezone.now())
    return sent
