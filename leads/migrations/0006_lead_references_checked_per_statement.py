# Ingest speed (bench/ingest.py): the lead's three references (advertiser, job, target) lose their
# foreign-key constraints and are checked once per statement by triggers instead (leads/triggers.py,
# "Lead references"; docs/decisions.md).
import django.db.models.deletion
from django.db import migrations, models

from leadplatform.migration_ops import postgres_only
from leads.triggers import CREATE_LEAD_REFERENCE_CHECKS, DROP_LEAD_REFERENCE_CHECKS


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_token_source_app"),
        ("leads", "0005_lead_ingest_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="lead",
            name="advertiser",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="leads",
                to="accounts.advertiser",
            ),
        ),
        migrations.AlterField(
            model_name="lead",
            name="job",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="leads",
                to="leads.scrapejob",
            ),
        ),
        migrations.AlterField(
            model_name="lead",
            name="target",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="leads",
                to="leads.target",
            ),
        ),
        migrations.RunPython(
            postgres_only(CREATE_LEAD_REFERENCE_CHECKS), postgres_only(DROP_LEAD_REFERENCE_CHECKS), elidable=False
        ),
    ]
