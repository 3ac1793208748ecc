"""The test harness's reset after a transactional test leaves the database as Django's flush does."""

import pytest
from django.core.management import call_command
from django.db import connection
from django_celery_beat.models import PeriodicTask

from accounts.models import Membership

from . import database_reset
from .factories import MembershipFactory, SocialAccountFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgresql(reason="the fast reset DELETEs with session_replication_role"),
]


def row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.django_table_names(only_existing=True, include_views=False):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def make_rows() -> None:
    MembershipFactory()
    SocialAccountFactory()
    PeriodicTask.objects.all().delete()


def test_reset_leaves_every_table_as_djangos_flush_does():
    make_rows()
    database_reset.reset()
    after_reset = row_counts()
    make_rows()
    call_command("flush", verbosity=0, interactive=False)
    assert after_reset == row_counts()


def test_reset_empties_the_tables_tests_wrote():
    make_rows()
    database_reset.reset()
    assert not Membership.objects.exists()


def test_reset_restores_what_post_migrate_wrote():
    declared = set(PeriodicTask.objects.values_list("name", flat=True))
    make_rows()
    database_reset.reset()
    assert set(PeriodicTask.objects.values_list("name", flat=True)) == declared != set()
