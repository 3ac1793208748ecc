"""Request and response shapes of the credential endpoints."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from rest_framework import serializers

from accounts.models import User
from accounts.usernames import normalized_username, username_key, validate_username_for_email, validate_username_scripts
from leadplatform.api.serializers import RejectUnknownFieldsMixin


class LoginSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    username = serializers.CharField(max_length=254, help_text="Username or e-mail address.")
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})
    # The rest of the OAuth2 password form: clients built for it send these, and nothing reads them.
    grant_type = serializers.ChoiceField(choices=["password"], required=False, help_text="Accepted and ignored.")
    scope = serializers.CharField(max_length=1000, required=False, allow_blank=True, help_text="Accepted and ignored.")
    client_id = serializers.CharField(
        max_length=255, required=False, allow_blank=True, help_text="Accepted and ignored."
    )
    client_secret = serializers.CharField(
        max_length=255, required=False, allow_blank=True, help_text="Accepted and ignored."
    )


USERNAME_MAX_LENGTH = User._meta.get_field("username").max_length


class RegisterSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """A new account's credentials; the username is compared as people read it (accounts/usernames.py)."""

    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=USERNAME_MAX_LENGTH)
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})

    def validate_username(self, value: str) -> str:
        value = normalized_username(value)  # as it will be stored: the fullwidth ＡＣＭＥ is ACME
        if len(value) > USERNAME_MAX_LENGTH:
            raise serializers.ValidationError(f"Ensure this field has no more than {USERNAME_MAX_LENGTH} characters.")
        try:
            validate_username_scripts(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        if User.objects.filter(username_key=username_key(value)).exists():
            raise serializers.ValidationError("This username is taken.")
        return value

    def validate_email(self, value: str) -> str:
        # Login takes a username or an e-mail address: an address that is someone's username is theirs.
        if User.objects.filter(Q(email__iexact=value) | Q(username_key=username_key(value))).exists():
            raise serializers.ValidationError("An account with this e-mail already exists.")
        return value.lower()

    def validate(self, attrs):
        try:
            validate_username_for_email(attrs["username"], attrs["email"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"username": exc.messages}) from None
        candidate = User(username=attrs["username"], email=attrs["email"])
        try:
            password_validation.validate_password(attrs["password"], candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from None
        return attrs


class AccessTokenSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    token_type = serializers.ChoiceField(choices=["bearer"])


class IntelTokenRequestSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


class IntelTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`. Shown once.")
