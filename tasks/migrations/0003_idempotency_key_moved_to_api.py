"""The Idempotency-Key model moved to the API plumbing app (leadplatform.api, api 0001).

State only: its table, tasks_idempotencykey, and its rows stay; the api app's model uses it.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0002_idempotency_key_lease"),
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IdempotencyKey")],
            database_operations=[],
        ),
    ]
