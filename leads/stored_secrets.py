"""Every secret stored encrypted (leads.encryption): whether the configured keys still read them,
and their re-encryption with the newest key after CONNECTOR_SECRETS_KEY changed."""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.fernet import InvalidToken
from django.db import models, transaction

from .encryption import is_readable, reencrypt_with_newest_key
from .models import ConnectorCredential, Webhook

#: (model, the field holding its encrypted secret): connector credentials and webhook signing secrets.
ENCRYPTED_FIELDS: tuple[tuple[type[models.Model], str], ...] = (
    (ConnectorCredential, "secret_encrypted"),
    (ConnectorCredential, "app_secret_encrypted"),
    (Webhook, "secret_encrypted"),
)


def _stored(model: type[models.Model], field_name: str):
    return model.objects.exclude(**{field_name: ""}).order_by("pk")


def unreadable_sample(per_field: int = 5) -> tuple[int, int]:
    """(unreadable, sampled) over the newest `per_field` stored secrets of each field."""
    sampled = unreadable = 0
    for model, field_name in ENCRYPTED_FIELDS:
        for ciphertext in _stored(model, field_name).reverse().values_list(field_name, flat=True)[:per_field]:
            sampled += 1
            unreadable += not is_readable(ciphertext)
    return unreadable, sampled


@dataclass
class Rotation:
    rotated: int = 0
    #: "<model> <pk> <field>" of each secret no configured key reads (left as it was).
    unreadable: list[str] = field(default_factory=list)


def rotate_stored_secrets(batch_size: int = 500) -> Rotation:
    """Re-encrypt every stored secret with the newest key, a locked batch of rows per transaction
    (a secret changed meanwhile by its owner is never overwritten with the old one)."""
    rotation = Rotation()
    for model, field_name in ENCRYPTED_FIELDS:
        last_pk = 0
        while True:
            with transaction.atomic():
                rows = list(
                    _stored(model, field_name)
                    .filter(pk__gt=last_pk)
                    .select_for_update()
                    .only("pk", field_name)[:batch_size]
                )
                if not rows:
                    break
                changed = []
                for row in rows:
                    try:
                        setattr(row, field_name, reencrypt_with_newest_key(getattr(row, field_name)))
                    except InvalidToken:
                        rotation.unreadable.append(f"{model._meta.label} {row.pk} {field_name}")
                        continue
                    changed.append(row)
                model.objects.bulk_update(changed, [field_name])
                rotation.rotated += len(changed)
                last_pk = rows[-1].pk
    return rotation
