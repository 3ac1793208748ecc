"""Short-lived JWT access tokens (the web scraper API's /auth/login): HS256 pinned, `exp` required."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import jwt
from django.conf import settings

from .models import User


class InvalidAccessToken(Exception):
    pass


USER_ID = re.compile(r"[1-9][0-9]{0,18}")
MAX_USER_ID = 2**63 - 1  # a bigint primary key
# The credentials a token was issued under: it stops working when they change, even within
# the second it was issued in (`iat` is whole seconds).
CREDENTIALS_CLAIM = "cred"


def check_claim_types(payload: dict) -> None:
    """A signed token still carries claims of any JSON type: `sub` must be a user id, times integers."""
    subject = payload.get("sub")
    if not (isinstance(subject, str) and USER_ID.fullmatch(subject) and int(subject) <= MAX_USER_ID):
        raise InvalidAccessToken("sub is not a user id")
    for claim in ("iat", "exp"):
        if type(payload.get(claim)) is not int:
            raise InvalidAccessToken(f"{claim} is not an integer")
    if type(payload.get(CREDENTIALS_CLAIM, 0)) is not int:
        raise InvalidAccessToken(f"{CREDENTIALS_CLAIM} is not an integer")


def credentials_epoch(user: User) -> int:
    """The user's last password change or force-logout in microseconds; 0 when there was none."""
    valid_after = user.credentials_valid_after
    return 0 if valid_after is None else round(valid_after.timestamp() * 1_000_000)


def issued_under_current_credentials(payload: dict, user: User) -> bool:
    if CREDENTIALS_CLAIM in payload:
        return payload[CREDENTIALS_CLAIM] == credentials_epoch(user)
    valid_after = user.credentials_valid_after  # a token signed without the claim: whole seconds
    return valid_after is None or payload["iat"] > valid_after.timestamp()


def issue_access_token(user: User) -> str:
    now = datetime.now(UTC)
    payload = {
        "sub": str(user.pk),
        "iat": int(now.timestamp()),
        CREDENTIALS_CLAIM: credentials_epoch(user),
        "exp": int((now + timedelta(seconds=settings.JWT_ACCESS_TOKEN_LIFETIME_SECONDS)).timestamp()),
        "typ": "access",
    }
    return jwt.encode(payload, settings.JWT_SIGNING_KEY, algorithm=settings.JWT_ALGORITHM)


def looks_like_jwt(value: str) -> bool:
    return value.count(".") == 2 and value.startswith("eyJ")


def user_for_access_token(token: str) -> User:
    try:
        payload = jwt.decode(
            token,
            settings.JWT_SIGNING_KEY,
            algorithms=[settings.JWT_ALGORITHM],
            options={"require": ["exp", "iat", "sub"]},
        )
    except jwt.PyJWTError as exc:
        raise InvalidAccessToken(str(exc)) from exc
    if payload.get("typ") != "access":
        raise InvalidAccessToken("not an access token")
    check_claim_types(payload)
    user = User.objects.select_related("publisher").filter(pk=payload["sub"], is_active=True).first()
    if user is None or user.is_banned:
        raise InvalidAccessToken("user inactive")
    if not issued_under_current_credentials(payload, user):
        raise InvalidAccessToken("token issued before the last logout or password change")
    return user
