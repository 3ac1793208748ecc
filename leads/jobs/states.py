"""What every step of a social job shares: the statuses that count as active, the advertiser statuses
that hold work back, the kinds of work the social queue serves, and the refusal its services raise."""

from __future__ import annotations

from accounts.models import HELD_STATUSES
from leadplatform.domain import RuleRefused
from leads.connectors import CAPABILITY_FOR_KIND
from leads.models import ScrapeJob

Status = ScrapeJob.Status
ACTIVE = (Status.ASSIGNED, Status.RUNNING)
HELD = [str(status) for status in HELD_STATUSES]
SOCIAL_KINDS = tuple(CAPABILITY_FOR_KIND)


class JobError(RuleRefused):
    """A request about a job that its state does not allow."""
