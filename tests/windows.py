"""Rate limits count in fixed windows: a burst crossing a window's end is counted in two windows."""
from __future__ import annotations

import time


def start_inside_one_window(period: int, needed_seconds: float) -> None:
    """Wait for the next window when fewer than `needed_seconds` are left in the current one."""
    left = period - time.time() % period
    if left < needed_seconds:
        time.sleep(left + 0.1)
