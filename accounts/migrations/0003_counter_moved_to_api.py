"""The counter store's model moved to the API plumbing app (leadplatform.api, api 0001).

State only: its table, accounts_counter, and its rows stay; the api app's model uses it.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_token_source_app"),
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Counter")],
            database_operations=[],
        ),
    ]
