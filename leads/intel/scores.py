"""How hot a company is for an advertiser: a score kept up to date as visits are recorded.

Each visit session of a company earns points:

    session points = 2                                  (a visit)
                   + Σ weight(page) over its page views (1, or the weight of the site's most specific
                                                          matching `PageWeightRule`, e.g. "/pricing*" × 5)
                   + 0.5 × minutes on site, up to 30 minutes
    and each distinct identified person of the company adds 5 points when first seen.

Points decay with a half-life of `INTEL_SCORE_HALF_LIFE_DAYS` (default 14): a company's score at time t is
Σ points × 2^(−(t − when earned) / half-life). Frequency, recency, pages, persons and time on site all count.

Kept incrementally: each session remembers what it has contributed (`VisitSession.score_state`), so
recording a batch adds only the difference its new actions make, and a resent batch adds nothing. A
company's row stores its points decayed to an anchor time; `rank` = log2(points) + anchor / half-life
orders companies exactly as their scores at any later moment do, so lists sort and filter by an index
without recomputing anything.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from fnmatch import fnmatchcase
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from leadplatform.bulk_update import update_each

from .models import CompanyScore, PageWeightRule, VisitAction, VisitSession

VISIT_POINTS = 2.0
DEFAULT_PAGE_WEIGHT = 1.0
POINTS_PER_MINUTE = 0.5
MINUTES_COUNTED = 30
PERSON_POINTS = 5.0
TOP_PAGES = 5


SCORE_HELP = (
    "How hot the company is for you now: each visit earns 2 points, each page view 1 (or the weight of your "
    "site's most specific matching page rule, e.g. /pricing* × 5), each minute on site 0.5 (up to 30 minutes "
    "a visit), and each distinct identified person 5; points halve every 14 days (INTEL_SCORE_HALF_LIFE_DAYS). "
    "0 when the company has no scored visit."
)


def half_life_seconds() -> float:
    return float(settings.INTEL_SCORE_HALF_LIFE_DAYS) * 86400


def decay(seconds: float) -> float:
    """The share of a point left after `seconds`."""
    return 2.0 ** (-max(0.0, seconds) / half_life_seconds())


#: The rank of no score at all.
NO_RANK = -1e12


def rank_of(points: float, anchored_at: datetime) -> float:
    """log2(points) + anchor / half-life: the order of scores at any later time."""
    if points <= 0:
        return NO_RANK
    return math.log2(points) + anchored_at.timestamp() / half_life_seconds()


def score_at(points: float, anchored_at: datetime, moment: datetime | None = None) -> float:
    return points * decay(((moment or timezone.now()) - anchored_at).total_seconds())


def rank_threshold(score: float, moment: datetime | None = None) -> float:
    """The rank above which a company's score exceeds `score` at `moment` (for filtering by score)."""
    return rank_of(score, moment or timezone.now())


@dataclass
class SessionPoints:
    points: float = 0.0
    seconds: int = 0
    pages: dict[str, list[float]] = field(default_factory=dict)  # path -> [views, points]

    def as_state(self) -> dict:
        return {"points": self.points, "seconds": self.seconds, "pages": self.pages}

    @classmethod
    def from_state(cls, state: dict | None) -> SessionPoints:
        state = state or {}
        return cls(state.get("points", 0.0), state.get("seconds", 0), dict(state.get("pages", {})))


def page_weight(path: str, rules: list[tuple[str, float]]) -> float:
    """The weight of the most specific (longest) matching pattern, else the default."""
    for pattern, weight in rules:
        if fnmatchcase(path, pattern):
            return weight
    return DEFAULT_PAGE_WEIGHT


def session_points(duration: int, page_urls: list[str], rules: list[tuple[str, float]]) -> SessionPoints:
    result = SessionPoints(points=VISIT_POINTS, seconds=duration)
    for url in page_urls:
        path = urlsplit(url).path or "/"
        weight = page_weight(path, rules)
        views, points = result.pages.get(path, [0, 0.0])
        result.pages[path] = [views + 1, points + weight]
        result.points += weight
    result.points += POINTS_PER_MINUTE * min(duration / 60, MINUTES_COUNTED)
    return result


@dataclass
class Counted:
    """What `count_sessions` read and wrote, for the alert rules to match against."""

    sessions: list[VisitSession]
    urls: dict[int, list[str]]
    rows: dict[tuple[int, int], CompanyScore]


def count_sessions(session_ids: list[int]) -> Counted:
    """Bring the scores of the companies of these sessions up to date with what the sessions now hold.

    Call inside the transaction that recorded the sessions' actions, so that a session's remembered
    contribution and its company's score change together. A constant number of statements, however
    many sessions.
    """
    sessions = list(
        VisitSession.objects.filter(pk__in=session_ids, company__isnull=False).only(
            "id",
            "advertiser_id",
            "site_id",
            "company_id",
            "network_kind",
            "started_at",
            "ended_at",
            "duration",
            "score_state",
        )
    )
    if not sessions:
        return Counted([], {}, {})
    urls = defaultdict(list)
    for session_id, url in (
        VisitAction.objects.filter(session_id__in=[s.pk for s in sessions], type=VisitAction.Type.PAGE)
        .order_by("session_id", "occurred_at", "id")
        .values_list("session_id", "url")
    ):
        urls[session_id].append(url)
    rules = _rules_of({session.site_id for session in sessions})
    pairs = {(session.advertiser_id, session.company_id) for session in sessions}
    rows = _locked_rows(pairs)
    persons = _person_counts(pairs)
    changed_sessions = []
    for session in sessions:
        before = SessionPoints.from_state(session.score_state)
        after = session_points(session.duration, urls[session.pk], rules.get(session.site_id, []))
        if after.as_state() == before.as_state():
            continue
        row = rows[(session.advertiser_id, session.company_id)]
        _add(row, after.points - before.points, session.started_at)
        row.sessions += 0 if before.points else 1
        row.seconds += after.seconds - before.seconds
        for path, (views, points) in after.pages.items():
            old_views, old_points = before.pages.get(path, [0, 0.0])
            row.pages += views - old_views
            top = row.top_pages.setdefault(path, 0.0)
            row.top_pages[path] = top + points - old_points
        row.last_seen_at = max(filter(None, [row.last_seen_at, session.ended_at]))
        session.score_state = after.as_state()
        changed_sessions.append(session)
    now = timezone.now()
    for pair, row in rows.items():
        new_persons = persons.get(pair, 0)
        if new_persons > row.persons:
            _add(row, PERSON_POINTS * (new_persons - row.persons), now)
            row.persons = new_persons
        row.top_pages = dict(top_pages(row)[:TOP_PAGES])
        row.rank = rank_of(row.points, row.anchored_at)
    update_each(
        rows.values(),
        ["points", "anchored_at", "rank", "sessions", "persons", "pages", "seconds", "last_seen_at", "top_pages"],
    )
    update_each(changed_sessions, ["score_state"])
    return Counted(sessions, urls, rows)


def _add(row: CompanyScore, points: float, earned_at: datetime) -> None:
    """Add `points` earned at `earned_at` to the row, keeping its anchor at the latest time it has seen."""
    if earned_at > row.anchored_at:
        row.points *= decay((earned_at - row.anchored_at).total_seconds())
        row.anchored_at = earned_at
    row.points = max(0.0, row.points + points * decay((row.anchored_at - earned_at).total_seconds()))


def _rules_of(site_ids: set[int]) -> dict[int, list[tuple[str, float]]]:
    rules: dict[int, list[tuple[str, float]]] = defaultdict(list)
    for site_id, pattern, weight in PageWeightRule.objects.filter(site_id__in=site_ids).values_list(
        "site_id", "pattern", "weight"
    ):
        rules[site_id].append((pattern, float(weight)))
    for patterns in rules.values():
        patterns.sort(key=lambda rule: -len(rule[0]))
    return rules


def _locked_rows(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], CompanyScore]:
    epoch = timezone.now()
    CompanyScore.objects.bulk_create(
        [CompanyScore(advertiser_id=a, company_id=c, anchored_at=epoch) for a, c in sorted(pairs)],
        ignore_conflicts=True,
    )
    rows = (
        CompanyScore.objects.select_for_update()
        .filter(advertiser_id__in={a for a, _ in pairs}, company_id__in={c for _, c in pairs})
        .order_by("pk")
    )
    return {(row.advertiser_id, row.company_id): row for row in rows if (row.advertiser_id, row.company_id) in pairs}


def _person_counts(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    counted = (
        VisitSession.objects.filter(
            advertiser_id__in={a for a, _ in pairs}, company_id__in={c for _, c in pairs}, person__isnull=False
        )
        .values("advertiser_id", "company_id")
        .annotate(persons=Count("person_id", distinct=True))
    )
    return {(row["advertiser_id"], row["company_id"]): row["persons"] for row in counted}


def top_pages(row: CompanyScore) -> list[tuple[str, float]]:
    """The row's top pages, most points first (jsonb keeps no key order)."""
    return sorted(row.top_pages.items(), key=lambda item: (-item[1], item[0]))


def load_company_scores(companies: list, principal) -> None:
    """Set `score_row` on each company: the principal's score row (for staff, the highest), in one query."""
    rows = CompanyScore.objects.for_principal(principal).filter(company_id__in=[c.pk for c in companies])
    best: dict[int, CompanyScore] = {}
    for row in rows.order_by("company_id", "-rank"):
        best.setdefault(row.company_id, row)
    for company in companies:
        company.score_row = best.get(company.pk)


def score_rank_of(principal):
    """An expression for a company queryset: the principal's score rank of each company (lowest when none)."""
    from django.db.models import F, FloatField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    rows = CompanyScore.objects.for_principal(principal).filter(company=OuterRef("pk")).order_by(F("rank").desc())
    return Coalesce(Subquery(rows.values("rank")[:1]), Value(NO_RANK), output_field=FloatField())


def with_score_fields(companies, principal):
    """Annotate the principal's score of each company now (`score_now`), its visits, persons and last visit."""
    from django.db.models import Case, F, FloatField, OuterRef, Subquery, Value, When
    from django.db.models.functions import Power

    rows = CompanyScore.objects.for_principal(principal).filter(company=OuterRef("pk")).order_by(F("rank").desc())
    now_in_half_lives = timezone.now().timestamp() / half_life_seconds()
    if "score_rank" not in companies.query.annotations:
        companies = companies.annotate(score_rank=score_rank_of(principal))
    return companies.annotate(
        score_visits=Subquery(rows.values("sessions")[:1]),
        score_persons=Subquery(rows.values("persons")[:1]),
        score_last_seen=Subquery(rows.values("last_seen_at")[:1]),
    ).annotate(
        score_now=Case(
            When(
                score_rank__gt=NO_RANK / 2,
                then=Power(Value(2.0), F("score_rank") - Value(now_in_half_lives)),
            ),
            default=Value(0.0),
            output_field=FloatField(),
        )
    )
