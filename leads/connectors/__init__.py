"""Connectors: the data sources a job can use, built from the advertiser's credentials.

`connectors_for` builds every connector an advertiser has configured; `connector_for`
picks the one that can do a job kind on a platform (the official API first), or raises
`ConnectorUnavailable` with the reason, so such a job fails at once.
"""

from __future__ import annotations

from .base import (
    CAPABILITY_FOR_KIND,
    Capability,
    Connector,
    ConnectorError,
    ConnectorUnavailable,
    FetchRequest,
    Page,
    PermanentConnectorError,
    Post,
    Profile,
    QuotaExceeded,
)
from .hosted_scraper import HostedScraperConnector
from .http import SpeedLimits
from .instagram_graph import InstagramGraphConnector
from .sandbox import SandboxConnector
from .web import WebConnector

__all__ = [
    "CAPABILITY_FOR_KIND",
    "Capability",
    "Connector",
    "ConnectorError",
    "ConnectorUnavailable",
    "FetchRequest",
    "Page",
    "PermanentConnectorError",
    "Post",
    "Profile",
    "QuotaExceeded",
    "SpeedLimits",
    "connector_for",
    "connectors_for",
    "web_connector_for",
]

#: Preference order when several connectors can do the same thing: the official API first,
#: the offline sandbox last (a real credential next to it wins).
CONNECTOR_CLASSES = {
    "instagram_graph": InstagramGraphConnector,
    "hosted_scraper": HostedScraperConnector,
    "sandbox": SandboxConnector,
}


def connectors_for(advertiser_id: int, speed_mode: str) -> list[Connector]:
    from leads.models import ConnectorCredential

    connectors: list[Connector] = []
    credentials = ConnectorCredential.objects.for_advertiser(advertiser_id).filter(active=True).order_by("id")
    for provider, cls in CONNECTOR_CLASSES.items():
        for credential in credentials:
            if credential.provider != provider:
                continue
            try:
                connectors.append(cls(credential, SpeedLimits.for_mode(speed_mode, credential.requests_per_second)))
            except PermanentConnectorError:
                continue  # an incomplete credential is skipped; the reason shows if nothing else can do the job
    return connectors


def connector_for(advertiser_id: int, kind: str, platform: str, speed_mode: str) -> Connector:
    capability = CAPABILITY_FOR_KIND.get(kind)
    if capability is None:
        raise ConnectorUnavailable(f"Job kind {kind!r} is not a social scraping kind.")
    connectors = connectors_for(advertiser_id, speed_mode)
    for connector in connectors:
        if connector.can(capability, platform):
            for other in connectors:
                if other is not connector:
                    other.close()
            return connector
    for connector in connectors:
        connector.close()
    needed = f"a hosted-scraper credential for {platform} with an actor for {kind}"
    if not connectors:
        raise ConnectorUnavailable(
            f"No connector credential is configured for this advertiser, so nothing can fetch "
            f"{capability.value.replace('_', ' ')} on {platform}: add {needed} in admin → Connector credentials."
        )
    raise ConnectorUnavailable(
        f"No configured connector can fetch {capability.value.replace('_', ' ')} on {platform} "
        f"(configured: {', '.join(sorted({connector.name for connector in connectors}))}): "
        f"no hosted-scraper actor is configured for {kind}; add {needed} in admin → Connector credentials."
    )


def web_connector_for(advertiser_id: int, speed_mode: str) -> WebConnector | None:
    """The link-in-bio enricher, when the advertiser has an active web credential."""
    from leads.models import ConnectorCredential

    credential = (
        ConnectorCredential.objects.for_advertiser(advertiser_id)
        .filter(active=True, provider=ConnectorCredential.Provider.WEB)
        .order_by("id")
        .first()
    )
    if credential is None:
        return None
    return WebConnector(credential, SpeedLimits.for_mode(speed_mode, credential.requests_per_second))
