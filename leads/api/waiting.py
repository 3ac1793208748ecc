"""`waiting_reason` and `queue_position` of a job on every scraping surface (see leads.slots).

A list computes them for its whole page in two queries (`WaitingListSerializer`); a single
job computes its own.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from leads import slots
from leads.models import ScrapeJob


class WaitingListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        self.waiting = slots.waiting_of(items)
        return super().to_representation(items)


class WaitingFields(serializers.Serializer):
    """List "waiting_reason" and "queue_position" in Meta.fields, with list_serializer_class = WaitingListSerializer."""

    waiting_reason = serializers.SerializerMethodField()
    queue_position = serializers.SerializerMethodField()

    def _waiting(self, job: ScrapeJob) -> slots.Waiting:
        batch = getattr(self.parent, "waiting", None)
        if batch is not None and job.pk in batch:
            return batch[job.pk]
        cache = self.__dict__.setdefault("_waiting_of", {})
        if job.pk not in cache:
            cache[job.pk] = slots.waiting_of([job])[job.pk]
        return cache[job.pk]

    @extend_schema_field(
        serializers.CharField(
            allow_null=True,
            help_text="Why the job has not started yet (e.g. all slots of its kind are busy); null when not waiting.",
        )
    )
    def get_waiting_reason(self, job: ScrapeJob) -> str | None:
        return self._waiting(job).reason

    @extend_schema_field(
        serializers.IntegerField(
            allow_null=True,
            help_text="Place among the advertiser's waiting jobs of the same kind (1 = next); null when not waiting.",
        )
    )
    def get_queue_position(self, job: ScrapeJob) -> int | None:
        return self._waiting(job).position
