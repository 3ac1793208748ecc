"""Rolled publishers counted per last join day, backfilled from the activity already rolled; the
publisher_activity rollup keeps the table from here on, in the same transaction as the activity."""

from django.db import migrations, models

# Plain SQL: the same on PostgreSQL and SQLite.
LAST_JOIN_DAYS = """
INSERT INTO campaign_stats_publisherlastjoinday (day, publishers)
SELECT last_joined_on, count(*) FROM campaign_stats_publisheractivity GROUP BY last_joined_on
"""


class Migration(migrations.Migration):
    dependencies = [
        ("campaign_stats", "0005_state_counts"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublisherLastJoinDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField(unique=True)),
                ("publishers", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunSQL(LAST_JOIN_DAYS, migrations.RunSQL.noop),
    ]
