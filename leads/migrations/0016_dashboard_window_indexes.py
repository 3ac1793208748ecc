# The staff dashboard reads 30 days of every advertiser's leads and web pages: time-column indexes
# (docs/admin.md). A lead keeps created_at when refreshed, so its ingest update stays HOT.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_counter_moved_to_api"),
        ("leads", "0015_job_unit_runner"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="lead",
            index=models.Index(fields=["created_at"], name="lead_created_window"),
        ),
        migrations.AddIndex(
            model_name="webresult",
            index=models.Index(fields=["scraped_at"], name="web_result_scraped_window"),
        ),
    ]
