"""Secrets at rest (connector credentials, webhook signing secrets): Fernet with CONNECTOR_SECRETS_KEY."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    """Fernet keyed from CONNECTOR_SECRETS_KEY, or derived from SECRET_KEY when unset."""
    key = settings.CONNECTOR_SECRETS_KEY
    if not key:
        key = base64.urlsafe_b64encode(hashlib.sha256(f"connector-secrets:{settings.SECRET_KEY}".encode()).digest())
    return Fernet(key)


def encrypt_secret(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode() if plaintext else ""


def decrypt_secret(ciphertext: str) -> str:
    """The plaintext, or "" when nothing is stored or the key has changed since."""
    if not ciphertext:
        return ""
    try:
        return _fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        return ""
