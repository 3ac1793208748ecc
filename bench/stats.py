"""Statistics speed: every statistics endpoint of the campaign backend over 5 million tasks,
answered from the daily rollups (as in production) and from the raw rows.

Builds, in its own database (lp_bench_stats; see bench/_isolation.py):
50 advertisers, 5,000 campaigns, 200,000 influencers and BENCH_TASKS tasks (default 5,000,000)
spread over the last 365 days in every status, with a payment for each paid task, all inserted
set-wise inside PostgreSQL (`INSERT … SELECT FROM generate_series`); then rolls the rollups up
to yesterday (timed), and calls each endpoint through the API with a platform token, BENCH_REPEAT
times (default 5), printing the median milliseconds from the rollups and from the raw rows
(the same endpoint inside `campaigns.stats.figures.raw_rows_only()`: no rollup, watermark or
trigger-kept state count is read, COUNT queries instead), and whether both answer the same.
Target: every endpoint < 50 ms from rollups. Before timing it folds the state-count
deltas, rolls the recent joins and vacuums the rollup tables (what beat and autovacuum do); after, it
prints what the state-count triggers add to a single-row task update, what unfolded deltas add to a
read, and what rolling a whole day of joins at once costs, with the joined-influencer figures around it.

    .venv/bin/python bench/stats.py
    BENCH_STATS_DATABASE_URL=postgres://…/lp_bench_stats BENCH_STATS_REDIS_URL=redis://…/4 \
        BENCH_TASKS=5000000 .venv/bin/python bench/stats.py

The database is created for the run and dropped at its end, and Redis db 4 (the throttles' counters)
is flushed before and after. BENCH_KEEP_DATABASE=1 keeps the database, so the next run with it reuses
the data when it holds BENCH_TASKS tasks (BENCH_REBUILD=1 builds it again).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._isolation import database_name, database_url, environment, own_database, own_redis, redis_url  # noqa: E402

OWNER = "bench/stats.py"
TASKS = int(os.environ.get("BENCH_TASKS", "5000000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
ADVERTISERS, CAMPAIGNS, PUBLISHERS, DAYS = 50, 5000, 200_000, 365
TARGET_MS = 50


BUILD = [
    "TRUNCATE tasks_payment, tasks_taskaction, tasks_screenshot, tasks_submission, tasks_task, campaigns_campaign, "
    "accounts_publisher, accounts_apitoken, accounts_membership, accounts_advertiser, campaign_stats_rolluprun, "
    "campaign_stats_taskday, campaign_stats_campaignnetworktotal, campaign_stats_spendday, "
    "campaign_stats_campaignspendtotal, campaign_stats_publisheractivity, campaign_stats_publisherlastjoinday, "
    "campaign_stats_statecount CASCADE",  # TRUNCATE fires no trigger: the state counts go with their tables
    "DELETE FROM accounts_user",
    """INSERT INTO accounts_advertiser (id, name, contact_email, currency, maximum_limit, status, created_at)
       SELECT g, 'Advertiser ' || g, 'bench' || g || '@advertiser.example', 'USD', 100000000, 'active', now()
       FROM generate_series(1, {advertisers}) g""",
    """INSERT INTO campaigns_campaign (id, advertiser_id, type, name, tagline, description, image_logo, image_post,
           attachment, hashtags, networks, currency, status, date_start, date_end, task_type, task_title,
           task_description, task_requirements, task_time, task_time_unit, minimum_reward, post_rate, bonus_active,
           promo_reach_bonus, promo_engagement_rate_bonus, promo_best_post_bonus, reach_bonus_threshold,
           engagement_rate_bonus_threshold, tasks_featured, tasks_leaderboard, pre_registration, post_registration,
           created_at, updated_at)
       SELECT g, 1 + g % {advertisers}, 'standard', 'Campaign ' || g, '', '', '', '', '', '[]',
           (ARRAY['["instagram","facebook"]','["tiktok"]','["instagram"]','["youtube","twitter"]'])[1 + g % 4]::jsonb,
           'USD', (ARRAY['draft','pending','active','active','paused','completed','completed','cancelled'])[1 + g % 8],
           now() - interval '400 days', now() + interval '30 days', 'post', 'Post', '', '', 72, 'hours', 25, 30, true,
           50, 25, 100, 1000, 5, false, false, false, false, now() - (g % 400) * interval '1 day', now()
       FROM generate_series(1, {campaigns}) g""",
    """INSERT INTO accounts_user (id, password, is_superuser, username, first_name, last_name, email, is_staff,
           is_active, date_joined)
       SELECT g, '!', false, 'bench' || g, '', '', 'bench' || g || '@influencer.example', false, true, now()
       FROM generate_series(1, {publishers}) g""",
    """INSERT INTO accounts_publisher (id, user_id, sex, birth_date, status, banned, ban_reason, joined_at)
       SELECT g, g, (ARRAY['male','female','female','other',''])[1 + g % 5],
           date '1960-01-01' + (g % 15000), (ARRAY['active','active','active','inactive','suspended'])[1 + g % 5],
           g % 97 = 0, '', now()
       FROM generate_series(1, {publishers}) g""",
    # Task i: campaign i % C, influencer a function of (campaign, i / C) that never repeats within a campaign.
    """INSERT INTO tasks_task (campaign_id, publisher_id, type, title, description, requirements, networks, status,
           deadline, joined_at, completed_at, reviewed_at, rejection_reason, custom, reach, engagement, likes,
           comments, best_post)
       SELECT c, 1 + ((g / {campaigns}) * 197 + c * 31) % {publishers}, 'post', 'Post', '', '', n.networks, s.status,
           j + interval '72 hours', j,
           CASE WHEN s.status IN ('pending', 'left') THEN NULL ELSE j + interval '5 hours' END,
           CASE WHEN s.status IN ('accepted', 'paid', 'rejected') THEN j + interval '20 hours' END, '', false,
           CASE WHEN s.status IN ('accepted', 'paid') THEN 500 + g % 20000 ELSE 0 END,
           CASE WHEN s.status IN ('accepted', 'paid') THEN 20 + g % 900 ELSE 0 END, 0, 0, false
       FROM (SELECT g, 1 + g % {campaigns} AS c,
                    now() - (g % {days}) * interval '1 day' - (g % 86400) * interval '1 second' - interval '1 day' AS j
             FROM generate_series(0, {tasks} - 1) g) t
       CROSS JOIN LATERAL (SELECT (ARRAY['paid','paid','paid','paid','accepted','accepted','rejected','rejected',
                                         'left','under_review','pending','left'])[1 + t.g % 12] AS status) s
       CROSS JOIN LATERAL (SELECT (ARRAY['["instagram","facebook"]','["tiktok"]','["instagram"]',
                                         '["youtube","twitter"]'])[1 + t.c % 4]::jsonb AS networks) n""",
    # The current day: a few thousand live rows after the rollups' watermark.
    """UPDATE tasks_task SET joined_at = now() - interval '2 hours', reviewed_at = now() - interval '1 hour'
       WHERE id % 1000 = 7""",
    """INSERT INTO tasks_payment (task_id, advertiser_id, publisher_id, minimum, post, bonus_reach,
           bonus_engagement_rate, bonus_best_post, total, currency, charged, charged_currency, created_at)
       SELECT t.id, c.advertiser_id, t.publisher_id, 25, 30, 50, 0, 0, 105, 'USD', 105, 'USD',
              t.reviewed_at + interval '1 hour'
       FROM tasks_task t JOIN campaigns_campaign c ON c.id = t.campaign_id WHERE t.status = 'paid'""",
    "SELECT setval(pg_get_serial_sequence('accounts_user', 'id'), {publishers} + 1)",
    "SELECT setval(pg_get_serial_sequence('accounts_advertiser', 'id'), {advertisers} + 1)",
    "SELECT setval(pg_get_serial_sequence('campaigns_campaign', 'id'), {campaigns} + 1)",
    "SELECT setval(pg_get_serial_sequence('accounts_publisher', 'id'), {publishers} + 1)",
]


def build() -> None:
    from django.db import connection

    values = {
        "advertisers": ADVERTISERS,
        "campaigns": CAMPAIGNS,
        "publishers": PUBLISHERS,
        "tasks": TASKS,
        "days": DAYS,
    }
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for statement in BUILD:
            sql = statement.format(**values)
            started = time.perf_counter()
            cursor.execute(sql)
            print(f"  {time.perf_counter() - started:7.1f} s  {' '.join(sql.split())[:70]}…", flush=True)
    connection.connection.autocommit = True
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        print(f"  {time.perf_counter() - started:7.1f} s  VACUUM ANALYZE", flush=True)


def endpoints(advertiser_id: int = 1, campaign_id: int = 3) -> list[tuple[str, dict]]:
    """Every statistics endpoint with its request body: advertiser and campaign ids of the built data."""
    return [
        (
            "/api/advertiser/stats/financial/",
            {"advertiser_id": advertiser_id, "date_from": "2000-01-01", "date_to": "2100-01-01"},
        ),
        ("/api/campaigns/stats/general/", {"date_from": "2000-01-01"}),
        ("/api/campaigns/stats/status/", {}),
        ("/api/campaigns/stats/networks/", {}),
        ("/api/campaign/stats/networks/", {"campaign_id": campaign_id}),
        ("/api/campaign/stats/costs/", {"campaign_id": campaign_id}),
        ("/api/publishers/stats/status/", {}),
        ("/api/publishers/stats/activity/", {"date_from": "2000-01-01"}),
        ("/api/users/stats/sex/", {}),
        ("/api/users/stats/age/", {}),
        ("/api/users/stats/preferences/", {}),
        ("/api/general/stats/pending/", {}),
        ("/api/general/stats/financial/", {"date_from": "2000-01-01"}),
        ("/api/general/stats/estimated-publishers/", {}),
        ("/api/general/stats/potential-publishers/", {}),
    ]


def median_ms(call) -> float:
    samples = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def prepare_rollups() -> None:
    """Fold the state-count deltas and roll the recent joins (beat does both every minute), and vacuum the
    rollup tables: rolling a year of days at once leaves millions of dead activity rows that autovacuum, on
    in production, would clear."""
    from django.db import connection

    from campaigns.stats.counts import fold_state_counts
    from campaigns.stats.rollups import roll_up_recent_joins

    fold_state_counts()
    roll_up_recent_joins()
    with connection.cursor() as cursor:  # autocommit: VACUUM runs outside a transaction
        started = time.perf_counter()
        for table in (
            "campaign_stats_publisheractivity",
            "campaign_stats_publisherlastjoinday",
            "campaign_stats_campaignnetworktotal",
            "campaign_stats_campaignspendtotal",
            "campaign_stats_taskday",
            "campaign_stats_spendday",
            "campaign_stats_rolluprun",
            "campaign_stats_statecount",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
        print(f"vacuumed the rollup tables in {time.perf_counter() - started:.1f} s", flush=True)


def write_costs(updates: int = 2000, deltas: int = 10_000) -> None:
    """What the state counts cost: per single-row task status update, the triggers' share; per read, the
    share of deltas not folded yet. Both inside transactions rolled back, so the data stays as built."""
    from django.db import connection, transaction

    from campaigns.stats import figures
    from tasks.models import Task

    ids = list(Task.objects.filter(status="pending").values_list("id", flat=True)[:updates])

    def update_ms(with_triggers: bool) -> float:
        with transaction.atomic(), connection.cursor() as cursor:
            if not with_triggers:
                cursor.execute("ALTER TABLE tasks_task DISABLE TRIGGER campaign_stats_count_tasks_task_update")
            started = time.perf_counter()
            for task_id in ids:
                cursor.execute("UPDATE tasks_task SET status = 'under_review' WHERE id = %s", [task_id])
            elapsed = (time.perf_counter() - started) * 1000 / len(ids)
            transaction.set_rollback(True)
        return elapsed

    update_ms(True)  # warm the pages
    print(
        f"\nsingle-row task status update, ms: {update_ms(True):.3f} with the state-count triggers, "
        f"{update_ms(False):.3f} without"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO campaign_stats_statecount (name, key, n)
                          SELECT 'task_status', 'pending', (g %% 2) * 2 - 1 FROM generate_series(1, %s) g""",
            [deltas],
        )
        print(f"pending counts with {deltas:,} deltas not folded yet: {median_ms(figures.pending_counts):.1f} ms")
        transaction.set_rollback(True)


def live_join_costs() -> None:
    """Joined and active influencers probe the activity once per join not rolled yet; beat rolls recent joins
    every minute. Time that roll catching up on a whole day of joins at once (5M tasks over 365 days: 13,700
    a day) and the figures around it, inside a transaction rolled back."""
    from django.db import connection, transaction

    from campaigns.stats import figures
    from campaigns.stats.rollups import day_start, roll_up_recent_joins, today
    from tasks.models import Task

    since = today() - timedelta(days=figures.ACTIVE_DAYS - 1)

    def report(when: str) -> None:
        joined, active = (
            median_ms(figures.joined_publisher_count),
            median_ms(lambda: figures.joined_publisher_count(since=since)),
        )
        print(f"joined / active influencers {when}: {joined:.1f} / {active:.1f} ms")

    report("with recent joins rolled")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM campaign_stats_rollupmark")
        cursor.execute(
            "UPDATE tasks_task SET joined_at = greatest(%s, now() - interval '10 minutes') WHERE id %% 1000 = ANY(%s)",
            [day_start(today()), [8, 9]],
        )
        live = Task.objects.filter(joined_at__gte=day_start(today())).count()
        report(f"with {live:,} joins of today live")
        started = time.perf_counter()
        changed = roll_up_recent_joins()
        print(
            f"rolling those {live:,} joins at once (activity of {changed:,} influencers changed): "
            f"{(time.perf_counter() - started) * 1000:.0f} ms"
        )
        report("after it")
        transaction.set_rollback(True)


def time_endpoint(client, path: str, body: dict) -> tuple[float, dict]:
    samples, answer = [], None
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.post(path, body, format="json")
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code, response.content[:200])
        answer = response.json()
    return statistics.median(samples), answer


def measure(url: str) -> None:
    import django

    django.setup()
    from django.test.utils import setup_test_environment
    from rest_framework.test import APIClient

    from accounts.models import User
    from accounts.services import issue_token
    from campaigns.stats import figures
    from campaigns.stats.rollups import roll_up_everything
    from tasks.models import Task

    setup_test_environment()
    have = Task.objects.count()
    if have != TASKS or os.environ.get("BENCH_REBUILD"):
        print(f"building {TASKS:,} tasks in {database_name(url)} (have {have:,})", flush=True)
        build()
        started = time.perf_counter()
        rolled = roll_up_everything()
        print(f"rollups: {rolled} in {time.perf_counter() - started:.1f} s", flush=True)
    else:
        roll_up_everything()
    prepare_rollups()
    staff, _ = User.objects.get_or_create(
        username="bench-platform", defaults={"email": "bench-platform@platform.example", "is_staff": True}
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(staff, name='bench')[1]}")

    print(f"\n{Task.objects.count():,} tasks; median of {REPEAT} calls, milliseconds\n")
    print(f"{'endpoint':45} {'rollups':>9} {'raw rows':>10}  same answer")
    floor_ms, _ = time_endpoint(client, "/api/general/lists/allowed-categories/", {})
    print(f"{'(floor: a request reading one tiny table)':45} {floor_ms:9.1f}")
    slow = []
    for path, body in endpoints():
        fast_ms, fast = time_endpoint(client, path, body)
        with figures.raw_rows_only():
            raw_ms, raw = time_endpoint(client, path, body)
        print(f"{path:45} {fast_ms:9.1f} {raw_ms:10.1f}  {'yes' if fast == raw else 'NO'}", flush=True)
        if fast_ms >= TARGET_MS:
            slow.append(path)
    print(
        f"\ntarget < {TARGET_MS} ms from rollups: "
        + ("met by every endpoint" if not slow else f"missed by {', '.join(slow)}")
    )
    write_costs()
    live_join_costs()


def main() -> None:
    url = database_url("BENCH_STATS_DATABASE_URL", "lp_bench_stats")
    redis = redis_url("BENCH_STATS_REDIS_URL", 4)
    os.environ.update(environment(url, redis))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadplatform.settings.test")
    with own_redis(redis, OWNER), own_database(url, OWNER, reusable=True):
        measure(url)


if __name__ == "__main__":
    main()
