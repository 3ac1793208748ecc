# List speed (bench/leads_list.py): deep pages of GET /api/v1/leads take their ids from an
# index-only scan of (advertiser_id, id DESC), which visits the heap for every row on a page the
# visibility map does not yet mark all-visible. The newest leads are the ones the list shows
# first, and PostgreSQL's default vacuums a table after inserts of 20% of its size, so on a large
# table most listed pages would stay unmarked. Here the table is vacuumed after every 20,000
# inserted rows, whatever its size; such a vacuum visits only the pages not yet marked.
from django.db import migrations

from leadplatform.migration_ops import postgres_only

VACUUM_AFTER_INSERTS = (
    "ALTER TABLE leads_lead SET (autovacuum_vacuum_insert_threshold = 20000,"
    " autovacuum_vacuum_insert_scale_factor = 0);"
)
DEFAULT_VACUUM = (
    "ALTER TABLE leads_lead RESET (autovacuum_vacuum_insert_threshold, autovacuum_vacuum_insert_scale_factor);"
)


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0006_lead_references_checked_per_statement"),
    ]

    operations = [
        migrations.RunPython(postgres_only(VACUUM_AFTER_INSERTS), postgres_only(DEFAULT_VACUUM)),
    ]
