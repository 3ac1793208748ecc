"""The staff dashboard's 30-day window queries read an index, not the whole table (PostgreSQL EXPLAIN).

Each table holds rows spread over three years, so the window is a few percent of it and the planner
has statistics (ANALYZE) as in production; the SQL explained is exactly what the panel ran.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leadplatform.dashboard import leads as lead_panels
from leadplatform.dashboard import visits as visit_panels
from leadplatform.dashboard.scope import scope_for_user
from leads.intel.models import VisitSession
from leads.models import Lead, ScrapeJob, WebResult

from ..factories import AdvertiserFactory
from ..intel.factories import SiteFactory
from ..leads.factories import JobFactory, LeadFactory
from ..web.factories import WebJobFactory, WebResultFactory

pytestmark = pytest.mark.django_db

ROWS = 6000
DAYS = 3 * 365


def spread_over_three_years(index: int):
    return timezone.now() - timedelta(days=index * DAYS / ROWS)


def fill_leads(advertiser) -> None:
    Lead.objects.bulk_create(
        LeadFactory.build(advertiser=advertiser, created_at=spread_over_three_years(i)) for i in range(ROWS)
    )


def fill_web_results(advertiser) -> None:
    job = WebJobFactory(advertiser=advertiser)
    WebResult.objects.bulk_create(
        WebResultFactory.build(job=job, url=f"https://shop.example/{i}", scraped_at=spread_over_three_years(i))
        for i in range(ROWS)
    )


def fill_jobs(advertiser) -> None:
    ScrapeJob.objects.bulk_create(
        JobFactory.build(advertiser=advertiser, created_at=spread_over_three_years(i)) for i in range(ROWS)
    )


def fill_visits(advertiser) -> None:
    site = SiteFactory(advertiser=advertiser)
    VisitSession.objects.bulk_create(
        VisitSession(
            advertiser=advertiser,
            site=site,
            session_key=f"s{i}",
            visitor_id=f"v{i}",
            started_at=spread_over_three_years(i),
        )
        for i in range(ROWS)
    )


CASES = {
    "leads_lead": (fill_leads, lead_panels.leads_panel),
    "leads_webresult": (fill_web_results, lead_panels.leads_panel),
    "leads_scrapejob": (fill_jobs, lead_panels.jobs_panel),
    "intel_visitsession": (fill_visits, visit_panels.visits_panel),
}


def plan_of_the_window_query(table: str, staff) -> str:
    fill, panel = CASES[table]
    fill(AdvertiserFactory())  # staff sees every advertiser's rows
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
    with CaptureQueriesContext(connection) as queries:
        panel(scope_for_user(staff.user))
    (sql,) = [query["sql"] for query in queries if f'FROM "{table}"' in query["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("table", CASES)
def test_the_staff_window_query_reads_an_index(table, staff):
    plan = plan_of_the_window_query(table, staff)
    assert "Index" in plan and f"Seq Scan on {table}" not in plan, plan
