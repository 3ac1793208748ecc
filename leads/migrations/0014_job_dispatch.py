"""JobPlan is now JobDispatch (related names `dispatch`, `scrape_job_dispatch`); state only.

The table keeps its name (`leads_jobplan`): setting it first makes the rename touch no table,
and the related-name changes are no SQL either. RenameModel stays a top-level operation so the
content type is renamed with the model.
"""

from django.db import migrations, models
from django.db.models.deletion import CASCADE, SET_NULL


class Migration(migrations.Migration):
    dependencies = [
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("leads", "0013_connector_credential_token_refresh"),
    ]

    operations = [
        migrations.AlterModelTable("jobplan", "leads_jobplan"),
        migrations.RenameModel("JobPlan", "JobDispatch"),
        migrations.AlterField(
            "jobdispatch",
            "job",
            models.OneToOneField(
                "leads.scrapejob", CASCADE, primary_key=True, related_name="dispatch", serialize=False
            ),
        ),
        migrations.AlterField(
            "jobdispatch",
            "periodic_task",
            models.OneToOneField(
                "django_celery_beat.periodictask", SET_NULL, null=True, blank=True, related_name="scrape_job_dispatch"
            ),
        ),
    ]
