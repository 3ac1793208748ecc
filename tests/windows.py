"""Rate limits count in fixed windows: a burst crossing a window's end is counted in two windows.

A test that needs a whole window moves the clock (time-machine, in every thread of the process,
the live server's included) to the start of the next one instead of waiting for it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import time_machine


@contextlib.contextmanager
def at_the_start_of_a_window(period: int) -> Iterator[None]:
    """The clock runs on from one second into the next `period`-second window (in the future, so
    nothing issued before looks issued later)."""
    start = (int(time.time()) // period + 1) * period + 1
    with time_machine.travel(start, tick=True):
        yield
