"""Campaign app authentication: the client application's credentials, then the influencer's token.

The application (created in admin, the campaign API) sends `X-Client-Id`/`X-Client-Secret` or HTTP
Basic; the influencer's API token comes as `Authorization: Bearer`. The application is
recorded on the request, where `accounts.principal.principal_of` finds it.

A JWT is refused here: it is the web scraper's login for advertisers and integrators, while an
influencer signs in to the app through the application (`/api/app/token/`).
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.jwt import looks_like_jwt
from accounts.services import application_credentials_from_headers, find_application
from leadplatform.api.authentication import credential_from_header

JWT_REFUSED = "The campaign app takes the influencer's token from /api/app/token/, not a JWT."


class ClientApplicationAuthentication(authentication.BaseAuthentication):
    """Requires valid client credentials and refuses a JWT; leaves the user to the next authenticator."""

    def authenticate(self, request):
        credential = credential_from_header(request.META.get("HTTP_AUTHORIZATION", ""))
        if credential is not None and looks_like_jwt(credential):
            raise exceptions.AuthenticationFailed(JWT_REFUSED)
        credentials = application_credentials_from_headers(request.META)
        if credentials is None:
            raise exceptions.AuthenticationFailed(
                "Client application credentials are required (X-Client-Id and X-Client-Secret, or HTTP Basic)."
            )
        application = find_application(*credentials)
        if application is None:
            raise exceptions.AuthenticationFailed("Invalid client application credentials.")
        request._request.application = application
        return None

    def authenticate_header(self, request) -> str:
        return 'Basic realm="campaign-app"'


class ClientApplicationScheme(OpenApiAuthenticationExtension):
    target_class = ClientApplicationAuthentication
    name = ["clientId", "clientSecret", "clientBasic"]

    def get_security_requirement(self, auto_schema):
        headers = {"clientId": [], "clientSecret": []}
        if len(auto_schema.view.get_authenticators()) > 1:
            # Authorization then carries the influencer's token: the credentials go in the headers.
            return headers
        return [headers, {"clientBasic": []}]

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "apiKey",
                "in": "header",
                "name": "X-Client-Id",
                "description": "Client id of an application created in admin.",
            },
            {"type": "apiKey", "in": "header", "name": "X-Client-Secret", "description": "Its client secret."},
            {
                "type": "http",
                "scheme": "basic",
                "description": "The client id and secret as HTTP Basic, where no token takes the Authorization header.",
            },
        ]
