"""Connector credentials as a user manages them: validate, create, check with one real call, delete.

A job does not hold its credential: every runner of a running job asks `connector_for` again
(see `leads.jobs.run`), so deleting a credential under a running job would fail the job halfway or
switch its units to another provider whose cursors they cannot read. Deleting is therefore
refused (`CredentialInUse`) while a job of the advertiser that the credential can serve is
assigned or running; cancelling the job, or waiting for it to finish, lifts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction

from leadplatform.domain import RuleRefused

from .connectors import (
    CAPABILITY_FOR_KIND,
    CONNECTOR_CLASSES,
    Connector,
    ConnectorError,
    SpeedLimits,
    hosted_scraper,
    instagram_graph,
)
from .connectors.web import WebConnector
from .jobs.states import ACTIVE
from .models import ConnectorCredential, ScrapeJob
from .models.social import SOCIAL_KINDS

Provider = ConnectorCredential.Provider

#: Where each provider answers when the credential has no base_url.
DEFAULT_HOSTS = {
    Provider.INSTAGRAM_GRAPH: instagram_graph.DEFAULT_BASE_URL,
    Provider.HOSTED_SCRAPER: hosted_scraper.DEFAULT_BASE_URL,
}
#: Providers that serve every platform: their jobs are any social job of the advertiser.
ALL_PLATFORM_PROVIDERS = frozenset({Provider.SANDBOX, Provider.WEB})


class CredentialInUse(RuleRefused):
    """The credential is used by a job that is not finished."""


def actors_errors(actors: Any) -> list[str]:
    """What is wrong with a hosted-scraper `actors` mapping (empty when it is usable)."""
    if not isinstance(actors, dict):
        return ["A JSON object keyed by job kind."]
    errors = []
    for kind, spec in actors.items():
        if kind not in CAPABILITY_FOR_KIND:
            errors.append(f"{kind!r} is not a job kind ({', '.join(CAPABILITY_FOR_KIND)}).")
        elif not isinstance(spec, dict) or not str(spec.get("actor_id") or "").strip():
            errors.append(f"{kind}: an object with an actor_id is required.")
        else:
            errors.extend(
                f"{kind}: {key} must be an object."
                for key in ("input", "fields")
                if key in spec and not isinstance(spec[key], dict)
            )
    return errors


def create_credential(*, secret: str = "", app_secret: str = "", **fields: Any) -> ConnectorCredential:
    credential = ConnectorCredential(**fields)
    credential.set_secret(secret)
    credential.set_app_secret(app_secret)
    credential.save()
    return credential


def update_credential(
    credential: ConnectorCredential, *, secret: str = "", app_secret: str = "", **fields: Any
) -> ConnectorCredential:
    """Change what is given; a blank secret keeps the stored one. Writes only those columns, so a token the
    refresh task stored meanwhile is not overwritten by an unrelated change."""
    changed = list(fields)
    for name, value in fields.items():
        setattr(credential, name, value)
    if secret:
        credential.set_secret(secret)
        credential.token_refresh_error = ""  # a new token: the last renewal's failure no longer applies
        changed += ["secret_encrypted", "token_refresh_error"]
    if app_secret:
        credential.set_app_secret(app_secret)
        changed.append("app_secret_encrypted")
    if changed:
        credential.save(update_fields=changed)
    return credential


def connector_of(credential: ConnectorCredential) -> Connector:
    """The connector a job would build from this credential (ConnectorError when it is incomplete)."""
    limits = SpeedLimits.for_mode(ScrapeJob.SpeedMode.NORMAL, credential.requests_per_second)
    if credential.provider == Provider.WEB:
        return WebConnector(credential, limits)
    return CONNECTOR_CLASSES[credential.provider](credential, limits)


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    provider: str
    host: str
    http_status: int | None
    message: str


def check_credential(credential: ConnectorCredential) -> CheckResult:
    """One cheap real call through the credential's connector: ok, or the reason and what to do."""
    provider = credential.get_provider_display()
    host = urlsplit(credential.base_url or DEFAULT_HOSTS.get(credential.provider, "")).hostname or ""
    try:
        connector = connector_of(credential)
    except ConnectorError as exc:
        return CheckResult(False, provider, host, None, f"{exc} Complete the credential and check again.")
    try:
        host = connector.check()
    except ConnectorError as exc:
        return CheckResult(False, provider, host, exc.http_status, str(exc))
    finally:
        connector.close()
    return CheckResult(True, provider, host, None, f"{provider} accepted the credential.")


def jobs_that_may_use(credential: ConnectorCredential):
    """The advertiser's assigned or running social jobs this credential can serve."""
    jobs = ScrapeJob.objects.for_advertiser(credential.advertiser_id).filter(status__in=ACTIVE, kind__in=SOCIAL_KINDS)
    if credential.provider not in ALL_PLATFORM_PROVIDERS:
        jobs = jobs.filter(platform=credential.platform)
    return jobs


def delete_credential(credential: ConnectorCredential) -> None:
    with transaction.atomic():
        locked = ConnectorCredential.objects.select_for_update().filter(pk=credential.pk).first()
        if locked is None:
            return
        if jobs_that_may_use(locked).exists():
            raise CredentialInUse(
                "A running job of this advertiser may be using this credential: wait for it to finish "
                "or cancel it, then delete the credential."
            )
        locked.delete()
