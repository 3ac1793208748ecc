"""Start-up check: the configured CONNECTOR_SECRETS_KEY keys still read the stored secrets.

Registered as a system check, so `manage.py check` (and `--deploy`), migrate and runserver refuse to
start; Celery workers run it at start-up too (leadplatform.celery).
"""

from __future__ import annotations

from django.core.checks import CheckMessage, Error, register
from django.db import DatabaseError, transaction

from .encryption import configured_keys, keys_are_valid
from .stored_secrets import unreadable_sample

TAG = "connector_secrets"
ROTATION_HINT = (
    "Keep the previous key after the new one (CONNECTOR_SECRETS_KEY=new,old), then run "
    "`manage.py rotate_connector_secrets` and remove the old key."
)


@register(TAG)
def stored_secrets_are_readable(app_configs=None, **kwargs) -> list[CheckMessage]:
    if not keys_are_valid():
        return [
            Error(
                "CONNECTOR_SECRETS_KEY holds a value that is not a Fernet key.",
                hint="Each comma-separated key is urlsafe base64 of 32 bytes (Fernet.generate_key()).",
                id="leads.E001",
            )
        ]
    try:
        with transaction.atomic():
            unreadable, sampled = unreadable_sample()
    except DatabaseError:
        return []  # not migrated yet, or the database is down: nothing stored can be sampled
    if not unreadable:
        return []
    return [
        Error(
            f"{unreadable} of {sampled} sampled stored secrets (connector credentials, webhook signing secrets) "
            f"cannot be decrypted with the {len(configured_keys())} key(s) of CONNECTOR_SECRETS_KEY: it was "
            "changed without keeping the key they were encrypted with.",
            hint=ROTATION_HINT,
            id="leads.E002",
        )
    ]
