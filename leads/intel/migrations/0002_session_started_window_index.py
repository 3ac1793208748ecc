# The staff dashboard reads 30 days of every advertiser's visit sessions: intel_session_adv_started
# leads with the advertiser, so the platform-wide window needs started_at on its own (docs/admin.md).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_counter_moved_to_api"),
        ("intel", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="visitsession",
            index=models.Index(fields=["started_at"], name="intel_session_started_window"),
        ),
    ]
