"""The counter store's and the Idempotency-Keys' models, moved here from accounts and tasks.

Their tables already exist (created by accounts 0001 and tasks 0001/0002, whose names they
keep): this migration only takes them into this app's state; the old apps then drop them
from theirs (accounts 0003, tasks 0003), so the rows stay where they are.
"""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0002_token_source_app"),
        ("tasks", "0002_idempotency_key_lease"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Counter",
                    fields=[
                        ("key", models.CharField(max_length=200, primary_key=True, serialize=False)),
                        ("value", models.BigIntegerField(default=0)),
                        ("expires_at", models.DateTimeField(db_index=True)),
                    ],
                    options={"db_table": "accounts_counter"},
                ),
                migrations.CreateModel(
                    name="IdempotencyKey",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("owner", models.CharField(help_text="Who sent it: user:<id> or app:<id>.", max_length=64)),
                        ("key", models.CharField(max_length=255)),
                        ("route", models.CharField(max_length=200)),
                        ("request_digest", models.CharField(max_length=64)),
                        ("response_status", models.PositiveSmallIntegerField(blank=True, null=True)),
                        ("response_body", models.JSONField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ("lease_token", models.UUIDField(blank=True, null=True)),
                        ("locked_until", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        "db_table": "tasks_idempotencykey",
                        "constraints": [
                            models.UniqueConstraint(fields=("owner", "key"), name="idempotency_key_unique_per_owner")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
