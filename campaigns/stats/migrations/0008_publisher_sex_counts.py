"""Influencers by sex counted by the state-count triggers too (the users' sex statistic grouped 200,000
influencers per request: 36-58 ms).

Each counted table gets its own trigger function, generated with static SQL (campaigns/stats/triggers.py,
version 2). The triggers are replaced and the new count backfilled in one transaction.
"""

from django.db import migrations

from campaigns.stats.triggers import (
    BACKFILL_PUBLISHER_SEX,
    CREATE_STATE_COUNTS_V1,
    CREATE_STATE_COUNTS_V2,
    DROP_STATE_COUNTS_V1,
    DROP_STATE_COUNTS_V2,
)
from leadplatform.migration_ops import postgres_only

FORWARD = DROP_STATE_COUNTS_V1 + CREATE_STATE_COUNTS_V2 + BACKFILL_PUBLISHER_SEX
# Backward: 0005's triggers and counts, rebuilt from the rows.
BACKWARD = DROP_STATE_COUNTS_V2 + "DELETE FROM campaign_stats_statecount;\n" + CREATE_STATE_COUNTS_V1


class Migration(migrations.Migration):
    dependencies = [
        ("campaign_stats", "0007_recent_joins_mark"),
    ]

    operations = [migrations.RunPython(postgres_only(FORWARD), postgres_only(BACKWARD))]
