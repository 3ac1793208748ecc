"""Long-lived Graph API tokens renewed before they expire (beat: `leads.refresh_connector_tokens`).

A long-lived Instagram/Facebook user token lasts about 60 days; exchanging it with the Meta
app's id and secret (`oauth/access_token?grant_type=fb_exchange_token`) gives a new one with a
fresh lifetime. Credentials whose token expires within GRAPH_TOKEN_REFRESH_WITHIN_DAYS are
exchanged; a failure is kept on the credential (`token_refresh_error`) and logged, and the
next beat run tries again while the old token still works.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .connectors import ConnectorError, SpeedLimits
from .connectors.http import ProviderHTTP
from .connectors.instagram_graph import DEFAULT_BASE_URL
from .encryption import encrypt_secret
from .models import ConnectorCredential

logger = logging.getLogger(__name__)

#: Lifetime assumed when the exchange answer does not say (Meta documents 60 days).
LONG_LIVED_TOKEN_LIFETIME = timedelta(days=60)


def credentials_due_for_refresh() -> list[int]:
    """Active Graph credentials whose token expires within the refresh window, soonest first."""
    horizon = timezone.now() + timedelta(days=settings.GRAPH_TOKEN_REFRESH_WITHIN_DAYS)
    return list(
        ConnectorCredential.objects.filter(
            provider=ConnectorCredential.Provider.INSTAGRAM_GRAPH, active=True, token_expires_at__lte=horizon
        )
        .order_by("token_expires_at")
        .values_list("id", flat=True)
    )


def exchange_token(credential: ConnectorCredential) -> tuple[str, datetime]:
    """A new long-lived token for the credential's current one, and its expiry; ConnectorError when refused."""
    if not (credential.app_id and credential.app_secret and credential.secret):
        raise ConnectorError(
            "The credential needs its Meta app id, app secret and current access token to renew the token."
        )
    http = ProviderHTTP(
        credential.base_url or DEFAULT_BASE_URL,
        provider="Instagram Graph API",
        rate_key=f"credential:{credential.pk}",
        limits=SpeedLimits.for_mode("normal", credential.requests_per_second),
        use_proxies=False,
    )
    try:
        answer = http.get_json(
            "oauth/access_token",
            {
                "grant_type": "fb_exchange_token",
                "client_id": credential.app_id,
                "client_secret": credential.app_secret,
                "fb_exchange_token": credential.secret,
            },
        )
    finally:
        http.close()
    token = answer.get("access_token") if isinstance(answer, dict) else None
    if not isinstance(token, str) or not token:
        raise ConnectorError(f"{http.label(http.base_url)} answered the token exchange without an access token.")
    expires_in = answer.get("expires_in")
    lifetime = (
        timedelta(seconds=expires_in) if isinstance(expires_in, int) and expires_in > 0 else LONG_LIVED_TOKEN_LIFETIME
    )
    return token, timezone.now() + lifetime


def refresh_token(credential_id: int) -> bool:
    """Exchange one credential's token and store the new one encrypted; False (reason recorded) on failure."""
    credential = ConnectorCredential.objects.filter(pk=credential_id).first()
    if credential is None:
        return False
    try:
        token, expires_at = exchange_token(credential)
    except ConnectorError as exc:
        reason = str(exc)[:500]
        logger.warning("token refresh of connector credential %s failed: %s", credential_id, reason)
        ConnectorCredential.objects.filter(pk=credential_id).update(token_refresh_error=reason)
        return False
    # Only over the token that was exchanged: a token a user set meanwhile is newer and kept.
    ConnectorCredential.objects.filter(pk=credential_id, secret_encrypted=credential.secret_encrypted).update(
        secret_encrypted=encrypt_secret(token),
        token_expires_at=expires_at,
        token_refreshed_at=timezone.now(),
        token_refresh_error="",
    )
    return True
