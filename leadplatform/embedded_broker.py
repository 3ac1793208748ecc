"""The embedded Celery broker (kombu's SQLAlchemy transport, `sqla+…` URLs) with a poll that ends when the worker stops.

The worker's loop on a polling transport asks the broker for messages in turns of 2 seconds
and, once a stop was asked, still runs one more turn; kombu's transport spends each turn
polling the queue table and sleeping between polls. An idle worker so took up to 4 seconds
to act on SIGTERM. Here a turn ends as soon as the worker is stopping, and the sleep between
polls is cut into short naps that look at the worker's stop flags.
"""

from __future__ import annotations

import time
from queue import Empty

from celery.worker import state as worker_state
from kombu.transport import TRANSPORT_ALIASES, sqlalchemy

#: Longest wait between two looks at the worker's stop flags while idle.
STOP_CHECK_SECONDS = 0.1


def worker_stopping() -> bool:
    """Whether this process is a worker asked to shut down (warm or cold), as `state.maybe_shutdown` reads it."""
    return any(
        flag is not None and flag is not False for flag in (worker_state.should_stop, worker_state.should_terminate)
    )


class Transport(sqlalchemy.Transport):
    def drain_events(self, connection, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while not worker_stopping():
            try:
                self.cycle.get(self._deliver, timeout=timeout)
                return
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise TimeoutError() from None
                self._nap(self.polling_interval or 0, deadline)
        raise TimeoutError()

    @staticmethod
    def _nap(seconds: float, deadline: float | None) -> None:
        """Sleep `seconds` (not past `deadline`), waking early when the worker is stopping."""
        until = time.monotonic() + seconds
        if deadline is not None:
            until = min(until, deadline)
        while not worker_stopping() and (left := until - time.monotonic()) > 0:
            time.sleep(min(left, STOP_CHECK_SECONDS))


def register() -> None:
    """Make `sqla+…` and `sqlalchemy+…` broker URLs use this transport."""
    for alias in ("sqla", "sqlalchemy"):
        TRANSPORT_ALIASES[alias] = f"{__name__}:Transport"
