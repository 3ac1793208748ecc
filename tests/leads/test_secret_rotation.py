"""CONNECTOR_SECRETS_KEY rotation: several keys (newest first) read the stored secrets, the rotate
command re-encrypts them with the newest, and start-up refuses keys that no longer read them."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError

from leadplatform.celery import refuse_to_start_with_unreadable_secrets
from leads.checks import TAG
from leads.models import ConnectorCredential, Webhook

from ..web.factories import WebhookFactory
from .factories import ConnectorCredentialFactory

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
SECRET = "whsec_stored-under-the-old-key"


@pytest.fixture
def stored_under_the_old_key(settings):
    """A webhook and a credential (secret and app secret) encrypted with OLD_KEY."""
    settings.CONNECTOR_SECRETS_KEY = OLD_KEY
    webhook = WebhookFactory(secret=SECRET)
    credential = ConnectorCredentialFactory()
    credential.set_secret("token-under-the-old-key")
    credential.set_app_secret("app-secret-under-the-old-key")
    credential.save()
    return webhook, credential


def test_secrets_stored_under_the_old_key_are_read_once_a_new_key_is_put_first(stored_under_the_old_key, settings):
    settings.CONNECTOR_SECRETS_KEY = f"{NEW_KEY},{OLD_KEY}"
    assert Webhook.objects.get(pk=stored_under_the_old_key[0].pk).secret == SECRET


def test_new_secrets_are_encrypted_with_the_first_key(settings):
    settings.CONNECTOR_SECRETS_KEY = f"{NEW_KEY}, {OLD_KEY}"
    webhook = WebhookFactory(secret=SECRET)
    assert Fernet(NEW_KEY).decrypt(webhook.secret_encrypted.encode()).decode() == SECRET


def test_rotate_command_makes_every_secret_readable_with_the_newest_key_alone(stored_under_the_old_key, settings):
    WebhookFactory.create_batch(2, secret=SECRET)  # more rows than one batch
    settings.CONNECTOR_SECRETS_KEY = f"{NEW_KEY},{OLD_KEY}"
    call_command("rotate_connector_secrets", "--batch-size", "1")
    settings.CONNECTOR_SECRETS_KEY = NEW_KEY
    credential = ConnectorCredential.objects.get(pk=stored_under_the_old_key[1].pk)
    assert (
        {webhook.secret for webhook in Webhook.objects.all()},
        credential.secret,
        credential.app_secret,
    ) == ({SECRET}, "token-under-the-old-key", "app-secret-under-the-old-key")


def test_rotate_command_names_the_secrets_no_key_reads_and_leaves_them_unchanged(stored_under_the_old_key, settings):
    webhook = stored_under_the_old_key[0]
    settings.CONNECTOR_SECRETS_KEY = NEW_KEY
    with pytest.raises(CommandError, match=f"leads.Webhook {webhook.pk} secret_encrypted"):
        call_command("rotate_connector_secrets")
    assert Webhook.objects.get(pk=webhook.pk).secret_encrypted == webhook.secret_encrypted


def test_start_up_check_refuses_a_key_change_that_drops_the_old_key(stored_under_the_old_key, settings):
    settings.CONNECTOR_SECRETS_KEY = NEW_KEY
    with pytest.raises(SystemCheckError, match="CONNECTOR_SECRETS_KEY"):
        call_command("check", deploy=True, tags=[TAG])


def test_start_up_check_passes_while_the_old_key_is_kept(stored_under_the_old_key, settings):
    settings.CONNECTOR_SECRETS_KEY = f"{NEW_KEY},{OLD_KEY}"
    # Only this check: the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE fails a deployment check of Django's.
    call_command("check", deploy=True, tags=[TAG])


def test_start_up_check_refuses_a_malformed_key(settings):
    settings.CONNECTOR_SECRETS_KEY = f"{NEW_KEY},not-a-fernet-key"
    with pytest.raises(SystemCheckError, match="leads.E001"):
        call_command("check")


def test_a_worker_refuses_to_start_when_the_keys_do_not_read_the_stored_secrets(stored_under_the_old_key, settings):
    settings.CONNECTOR_SECRETS_KEY = NEW_KEY
    with pytest.raises(SystemExit, match="CONNECTOR_SECRETS_KEY"):
        refuse_to_start_with_unreadable_secrets()
