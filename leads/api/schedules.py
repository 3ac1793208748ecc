"""The schedule field of job requests, shared by /api/v1 and /api/web/v1 (rules in `leads.schedules`)."""

from __future__ import annotations

from rest_framework import serializers

from leadplatform.api.serializers import RejectUnknownFieldsMixin
from leads import schedules


class ScheduleSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    interval_seconds = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=schedules.MIN_INTERVAL_SECONDS,
        max_value=schedules.MAX_INTERVAL_SECONDS,
        help_text="Run every N seconds.",
    )
    crontab = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=100,
        help_text=f'Five crontab fields in UTC, e.g. "0 6 * * 1"; consecutive runs at least '
        f"{schedules.MIN_INTERVAL_SECONDS} seconds apart.",
    )

    def validate_crontab(self, value: str | None) -> str | None:
        if not value:
            return None
        try:
            return schedules.check_crontab(value)
        except schedules.ScheduleError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def validate(self, attrs):
        try:
            return schedules.check_schedule(attrs)
        except schedules.ScheduleError as exc:
            raise serializers.ValidationError(str(exc)) from None
