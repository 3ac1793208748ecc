"""Request and response shapes of the credential endpoints."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from accounts.models import User
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


class RegisterSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})

    def validate_username(self, value: str) -> str:
        if User.objects.filter(username__iexact=value).exists():
            raise serializers.ValidationError("This username is taken.")
        return value

    def validate_email(self, value: str) -> str:
        if User.objects.filter(email__iexact=value).exists():
            raise serializers.ValidationError("An account with this e-mail already exists.")
        return value.lower()

    def validate(self, attrs):
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
