# Ingest speed (bench/ingest.py): fewer index entries per stored lead, and room on each page
# so that refreshing a lead (the ON CONFLICT update) can stay on its page without new index
# entries (a HOT update) when no indexed column changes.
import django.db.models.deletion
from django.db import migrations, models

from leadplatform.migration_ops import postgres_only

FILLFACTOR = "ALTER TABLE leads_lead SET (fillfactor = 90);"
RESET_FILLFACTOR = "ALTER TABLE leads_lead RESET (fillfactor);"


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_token_source_app"),
        ("leads", "0004_social_job_proxy"),
    ]

    operations = [
        # Every lead had an entry here; only ready ones are listed through it.
        migrations.RemoveIndex(
            model_name="lead",
            name="lead_tenant_outreach",
        ),
        migrations.AddIndex(
            model_name="lead",
            index=models.Index(
                condition=models.Q(("outreach_ready", True)),
                fields=["advertiser", "-id"],
                name="lead_tenant_outreach_ready",
            ),
        ),
        # The advertiser's own index duplicated the leading column of lead_tenant_recent
        # (advertiser_id, id DESC) and of the unique (advertiser_id, platform, username).
        migrations.AlterField(
            model_name="lead",
            name="advertiser",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="leads",
                to="accounts.advertiser",
            ),
        ),
        migrations.RunPython(postgres_only(FILLFACTOR), postgres_only(RESET_FILLFACTOR)),
    ]
