"""Credential endpoints: JWT login/register (web surface) and api-token-get/reset (intel surface)."""

from django.conf import settings
from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from accounts import services
from accounts.jwt import issue_access_token
from accounts.models import User
from leadplatform.api.access import ANYONE, AUTHENTICATED
from leadplatform.api.surfaces import INTEL, WEB
from leadplatform.api.throttling import CredentialAccountThrottle, CredentialIPThrottle
from leadplatform.api.views import SurfaceAPIView

from .serializers import (
    AccessTokenSerializer,
    IntelTokenRequestSerializer,
    IntelTokenSerializer,
    LoginSerializer,
    RegisterSerializer,
)

CREDENTIAL_THROTTLES = [CredentialAccountThrottle, CredentialIPThrottle]


class InvalidCredentials(exceptions.APIException):
    """401 even on views without authenticators (DRF would turn AuthenticationFailed into 403 there)."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "Incorrect username or password"
    default_code = "authentication_failed"


class CredentialView(SurfaceAPIView):
    """Takes credentials, answers a token: open to anyone, with no authenticator, throttled per account and
    per client address."""

    access = ANYONE
    authentication_classes: list = []
    throttle_classes = CREDENTIAL_THROTTLES


def _bearer(user: User) -> dict:
    return {"access_token": issue_access_token(user), "token_type": "bearer"}


def _authenticated_user(request, login: str, password: str, *, refusal: str | None = None) -> User:
    user = authenticate(request._request, username=login, password=password)
    if user is None:
        raise InvalidCredentials(refusal)
    return user


class WebLoginView(CredentialView):
    surface = WEB

    @extend_schema(request=LoginSerializer, responses=AccessTokenSerializer)
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = _authenticated_user(
            request, serializer.validated_data["username"], serializer.validated_data["password"]
        )
        return Response(_bearer(user))


class WebRegisterView(CredentialView):
    surface = WEB

    @extend_schema(request=RegisterSerializer, responses={201: AccessTokenSerializer})
    def post(self, request):
        if not settings.SIGNUP_OPEN:
            raise exceptions.PermissionDenied("Registration is closed.")
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.register_advertiser_account(**serializer.validated_data)
        return Response(_bearer(user), status=status.HTTP_201_CREATED)


class IntelTokenGetView(CredentialView):
    surface = INTEL

    @extend_schema(request=IntelTokenRequestSerializer, responses=IntelTokenSerializer)
    def post(self, request):
        serializer = IntelTokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = _authenticated_user(
            request,
            serializer.validated_data["email"],
            serializer.validated_data["password"],
            refusal="Incorrect e-mail address or password",
        )
        advertiser = user.primary_advertiser()
        if advertiser is None and not user.is_staff:
            raise exceptions.PermissionDenied("This account is not a member of any advertiser.")
        _, plaintext = services.reset_intel_token(user, advertiser)
        return Response({"token": plaintext})


class IntelTokenResetView(SurfaceAPIView):
    surface = INTEL
    # Any member may reset their own token, a viewer too: it changes no tenant data.
    access = AUTHENTICATED

    @extend_schema(request=None, responses=IntelTokenSerializer)
    def post(self, request):
        user = request.user
        _, plaintext = services.reset_intel_token(user, user.primary_advertiser())
        return Response({"token": plaintext})
