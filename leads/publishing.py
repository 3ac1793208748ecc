"""Handing committed work to the Celery broker: an unreachable broker leaves the work waiting, never an error.

Every job, run and webhook delivery is committed first and sent to the broker after commit. A send
that fails because the broker is down is logged and dropped: the work is already in the database, and
beat's sweeps send what is still waiting once the broker is back (`leads.dispatch_scrape_jobs` every
minute for queued social jobs and pending web crawls, `leads.resend_overdue_webhooks` for deliveries).
So a request that created a job answers 201 during a broker outage, and the job runs once afterwards.

Callers that want to tell a person (the admin) watch the sends with `unsent_sends()`.
Background exports do not come here: no sweep sends them, so one the broker cannot take is removed
again and the request fails with a 503 (`leads.exports.start_background_export`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from leadplatform.api.dependencies import DEPENDENCY_ERRORS

logger = logging.getLogger(__name__)

_unsent: ContextVar[list[str] | None] = ContextVar("leads_unsent_sends", default=None)


def send_or_leave_for_beat(send: Callable[[], object], what: str) -> bool:
    """Run `send` (a task's delay/apply_async); False when the broker is unreachable and beat will send it."""
    try:
        send()
    except DEPENDENCY_ERRORS as error:
        logger.warning("broker unreachable, %s left for beat's sweep: %s", what, error)
        unsent = _unsent.get()
        if unsent is not None:
            unsent.append(what)
        return False
    return True


@contextmanager
def unsent_sends() -> Iterator[list[str]]:
    """Collect what the block could not send to the broker (empty when every send went through)."""
    unsent: list[str] = []
    token = _unsent.set(unsent)
    try:
        yield unsent
    finally:
        _unsent.reset(token)


#: What the admin says when work was saved but the broker could not be reached.
ADMIN_BROKER_DOWN_MESSAGE = (
    "The task broker is unreachable right now: the work is saved and waits in the queue; "
    "the scheduler sends it to the workers once the broker is back (jobs within a minute)."
)
