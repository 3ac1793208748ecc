from django.db import migrations, models

HELP_TEXT = "Number of the job's parallel runner task holding it (that runner resumes it)."


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0014_job_dispatch"),
    ]

    operations = [
        migrations.RenameField("jobunit", "lane", "runner"),
        migrations.AlterField(
            "jobunit", "runner", models.PositiveIntegerField(null=True, blank=True, help_text=HELP_TEXT)
        ),
    ]
