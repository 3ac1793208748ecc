"""Authentication shared by every surface.

An API token is accepted as `Authorization: Bearer X`, `Token X` or a bare `X` on every
surface. A JWT access token (web-scraper surface) is recognised by its shape.
"""

from __future__ import annotations

from rest_framework import authentication, exceptions

from accounts import services
from accounts.jwt import InvalidAccessToken, looks_like_jwt, user_for_access_token
from accounts.principal import token_member_role

SCHEMES = ("bearer", "token")


def credential_from_header(header: str) -> str | None:
    header = header.strip()
    if not header:
        return None
    scheme, _, rest = header.partition(" ")
    if scheme.lower() in SCHEMES:
        return rest.strip() or None
    if scheme.lower() == "basic":
        return None  # client-application credentials, read by the campaign app surface
    return header if " " not in header else None


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        credential = credential_from_header(request.META.get("HTTP_AUTHORIZATION", ""))
        if credential is None or looks_like_jwt(credential):
            return None
        token = services.find_token(credential)
        if token is None:
            raise exceptions.AuthenticationFailed("The provided API token is invalid.")
        if not token.is_usable:
            raise exceptions.AuthenticationFailed("The provided API token has been revoked or has expired.")
        user = token.user
        if not user.is_active or user.is_banned:
            raise exceptions.AuthenticationFailed("This account cannot use the API.")
        if token.advertiser_id is not None and token_member_role(token) is None:
            raise exceptions.AuthenticationFailed("This token's user is no longer a member of its advertiser.")
        services.record_token_use(token)
        return user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class JwtAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        credential = credential_from_header(request.META.get("HTTP_AUTHORIZATION", ""))
        if credential is None or not looks_like_jwt(credential):
            return None
        try:
            user = user_for_access_token(credential)
        except InvalidAccessToken:
            raise exceptions.AuthenticationFailed("Could not validate credentials") from None
        return user, None

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
