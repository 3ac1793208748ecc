"""The shape of a dashboard panel: a chart's labels and series, or a table, and whether it has data.

Amounts stay Decimal here; the template's `json_script` writes them as strings and the chart script
reads them as numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from campaigns.stats.rollups import today

WINDOW_DAYS = 30


def window() -> list[date]:
    """The days a time series covers: the last 30 UTC days, today included."""
    last = today()
    return [last - timedelta(days=offset) for offset in range(WINDOW_DAYS - 1, -1, -1)]


def since() -> date:
    return window()[0]


@dataclass
class Panel:
    key: str
    title: str
    chart: str  # Chart.js type: "bar", "line", "doughnut"
    labels: list[str] = field(default_factory=list)
    datasets: list[dict] = field(default_factory=list)
    note: str = ""
    table: list[dict] = field(default_factory=list)
    stacked: bool = False

    @property
    def empty(self) -> bool:
        return not any(value for dataset in self.datasets for value in dataset["data"])

    def chart_config(self) -> dict:
        return {"type": self.chart, "labels": self.labels, "datasets": self.datasets, "stacked": self.stacked}


def series(label: str, data: Iterable, colour: str | None = None) -> dict:
    """One dataset; without a colour the chart script takes the next of its palette."""
    return {"label": label, "data": list(data), **({"colour": colour} if colour else {})}


def daily(rows: Iterable[tuple[date, str, int]], names: dict[str, str]) -> tuple[list[str], list[dict]]:
    """(day, key, value) rows as one zero-filled series per key over the window, in the order of `names`.

    Keys not in `names` get their own series after the known ones (a value the choices do not list yet)."""
    days = window()
    values: dict[str, dict[date, int]] = {}
    for day, key, value in rows:
        values.setdefault(key, {})
        values[key][day] = values[key].get(day, 0) + int(value or 0)
    keys = [key for key in names if key in values] + sorted(key for key in values if key not in names)
    labels = [day.isoformat() for day in days]
    return labels, [series(names.get(key, key or "unknown"), (values[key].get(day, 0) for day in days)) for key in keys]
