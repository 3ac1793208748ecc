"""Campaign app authentication: the client application's credentials, then the influencer's token.

The application (created in admin, the campaign API) sends `X-Client-Id`/`X-Client-Secret` or HTTP
Basic; the influencer's API token comes as `Authorization: Bearer`. The application is
recorded on the request, where `accounts.principal.principal_of` finds it.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.services import application_credentials_from_headers, find_application


class ClientApplicationAuthentication(authentication.BaseAuthentication):
    """Requires valid client credentials; leaves the user to the next authenticator."""

    def authenticate(self, request):
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
