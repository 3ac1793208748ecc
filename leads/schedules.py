"""The one rule for job schedules (social lead jobs and web jobs): an interval or a crontab, never
more often than `MIN_INTERVAL_SECONDS`.

A crontab is judged by the shortest gap between two consecutive firings, the way beat runs it
(celery's crontab, UTC, day of month and day of week both required), so `* * * * *` or
`*/2 * * * *` is refused like an interval of 60 or 120 seconds would be.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from celery.schedules import crontab as celery_crontab
from django.core.exceptions import ValidationError as DjangoValidationError
from django_celery_beat.validators import crontab_validator

MIN_INTERVAL_SECONDS = 300
MAX_INTERVAL_SECONDS = 30 * 24 * 3600
#: Firing days are looked for over four years from a leap year, so "0 0 29 2 *" is seen to fire.
_DAY_WINDOW_START = date(2024, 1, 1)
_DAY_WINDOW_DAYS = 4 * 366


class ScheduleError(ValueError):
    """A schedule that cannot be accepted; the message says why."""


def parse_crontab(expression: str) -> celery_crontab:
    fields = expression.split()
    if len(fields) != 5:
        raise ScheduleError("A crontab has five fields: minute, hour, day of month, month, day of week.")
    try:
        crontab_validator(expression)
    except DjangoValidationError as exc:
        raise ScheduleError(" ".join(exc.messages)) from None
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    try:
        return celery_crontab(minute, hour, day_of_week, day_of_month, month_of_year)
    except ValueError as exc:
        raise ScheduleError(str(exc)) from None


def _firing_days(schedule: celery_crontab) -> list[int]:
    days = []
    for offset in range(_DAY_WINDOW_DAYS):
        day = _DAY_WINDOW_START + timedelta(days=offset)
        if (
            day.month in schedule.month_of_year
            and day.day in schedule.day_of_month
            and day.isoweekday() % 7 in schedule.day_of_week  # cron: 0 = Sunday
        ):
            days.append(offset)
    return days


def shortest_crontab_gap_seconds(expression: str) -> int:
    """The shortest time between two consecutive firings of the crontab (UTC)."""
    schedule = parse_crontab(expression)
    minutes_of_day = sorted(hour * 60 + minute for hour in schedule.hour for minute in schedule.minute)
    days = _firing_days(schedule)
    if not days:
        raise ScheduleError("This crontab never fires.")
    gaps = [later - earlier for earlier, later in pairwise(minutes_of_day)]
    if len(days) > 1:
        fewest_days_apart = min(later - earlier for earlier, later in pairwise(days))
        gaps.append(fewest_days_apart * 1440 - minutes_of_day[-1] + minutes_of_day[0])
    return min(gaps) * 60 if gaps else _DAY_WINDOW_DAYS * 86400


def check_crontab(expression: str) -> str:
    expression = " ".join(expression.split())
    if shortest_crontab_gap_seconds(expression) < MIN_INTERVAL_SECONDS:
        raise ScheduleError(f"This crontab fires more often than every {MIN_INTERVAL_SECONDS} seconds.")
    return expression


def check_interval(seconds: int) -> int:
    if not MIN_INTERVAL_SECONDS <= seconds <= MAX_INTERVAL_SECONDS:
        raise ScheduleError(f"The interval must be between {MIN_INTERVAL_SECONDS} and {MAX_INTERVAL_SECONDS} seconds.")
    return seconds


def check_schedule(schedule: dict[str, Any]) -> dict[str, Any]:
    """{"interval_seconds": N} or {"crontab": "m h dom mon dow"}: exactly one, within the minimum interval."""
    interval, expression = schedule.get("interval_seconds"), schedule.get("crontab")
    if bool(interval) == bool(expression):
        raise ScheduleError("Give exactly one of interval_seconds or crontab.")
    if interval:
        return {"interval_seconds": check_interval(int(interval))}
    return {"crontab": check_crontab(str(expression))}
