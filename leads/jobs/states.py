"""What every step of a social job shares: the statuses that count as active, the advertiser statuses
that hold work back, and the refusal its services raise (the kinds of work the social queue serves are
`leads.models.social.SOCIAL_KINDS`)."""

from __future__ import annotations

from accounts.models import HELD_STATUSES
from leadplatform.domain import RuleRefused
from leads.models import ScrapeJob

Status = ScrapeJob.Status
ACTIVE = (Status.ASSIGNED, Status.RUNNING)
HELD = [str(status) for status in HELD_STATUSES]


class JobError(RuleRefused):
    """A request about a job that its state does not allow."""
