"""Indexes on the influencer columns the state statistics count (status, sex, birth date), so those
counts are index-only scans instead of reading every influencer row."""

from django.db import migrations

INDEXES = [
    ("stats_publisher_sex", "accounts_publisher", "sex"),
    ("stats_publisher_birth_date", "accounts_publisher", "birth_date"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("campaign_stats", "0003_advertiser_days_and_campaign_totals"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})",
            f"DROP INDEX IF EXISTS {name}",
        )
        for name, table, column in INDEXES
    ]
