"""The API plumbing's own rows: the database counter store and remembered Idempotency-Keys.

Both tables keep the names they were created with (`accounts_counter`, `tasks_idempotencykey`).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Counter(models.Model):
    """A named integer for the database counter store (embedded mode): atomic upserts (leadplatform.api.counters)."""

    key = models.CharField(max_length=200, primary_key=True)
    value = models.BigIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "accounts_counter"


class IdempotencyKey(models.Model):
    """A money-moving request seen before: the same key replays its stored response (leadplatform.api.idempotency)."""

    owner = models.CharField(max_length=64, help_text="Who sent it: user:<id> or app:<id>.")
    key = models.CharField(max_length=255)
    route = models.CharField(max_length=200)
    request_digest = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # While the first request runs it holds a lease; a request that died with its process leaves
    # an expired lease, which the next retry takes over (no lease: taken over at once).
    lease_token = models.UUIDField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "tasks_idempotencykey"
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "key"],
                name="idempotency_key_unique_per_owner",
                violation_error_message="This idempotency key was already used by this caller.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"
