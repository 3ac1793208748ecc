"""Secrets at rest (connector credentials, webhook signing secrets): Fernet with CONNECTOR_SECRETS_KEY.

CONNECTOR_SECRETS_KEY may hold several keys, comma-separated, newest first: new secrets are
encrypted with the first, stored ones are read with any of them (MultiFernet). After a key change,
`manage.py rotate_connector_secrets` re-encrypts every stored secret with the newest key, and the
older keys can then be removed.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def configured_keys() -> list[str]:
    """The keys of CONNECTOR_SECRETS_KEY, newest first; one derived from SECRET_KEY when it is unset."""
    keys = [key.strip() for key in (settings.CONNECTOR_SECRETS_KEY or "").split(",") if key.strip()]
    if keys:
        return keys
    return [base64.urlsafe_b64encode(hashlib.sha256(f"connector-secrets:{settings.SECRET_KEY}".encode()).digest())]


def _fernet() -> MultiFernet:
    """Raises ValueError when a configured key is not a Fernet key (urlsafe base64 of 32 bytes)."""
    return MultiFernet([Fernet(key) for key in configured_keys()])


def keys_are_valid() -> bool:
    try:
        _fernet()
    except ValueError:
        return False
    return True


def encrypt_secret(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode() if plaintext else ""


def decrypt_secret(ciphertext: str) -> str:
    """The plaintext, or "" when nothing is stored or no configured key encrypted it."""
    if not ciphertext:
        return ""
    try:
        return _fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        return ""


def is_readable(ciphertext: str) -> bool:
    """Whether one of the configured keys decrypts the stored secret."""
    try:
        _fernet().decrypt(ciphertext.encode())
    except InvalidToken:
        return False
    return True


def reencrypt_with_newest_key(ciphertext: str) -> str:
    """The same secret encrypted with the newest key; raises InvalidToken when no key reads it."""
    return _fernet().rotate(ciphertext.encode()).decode()
