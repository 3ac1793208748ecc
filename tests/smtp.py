"""A real SMTP server on localhost (aiosmtpd) that keeps what it receives, and Django pointed at it."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from .platform_run import free_port


class Inbox:
    """aiosmtpd's handler: every message accepted, parsed and kept in arrival order."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def links(self, message: EmailMessage, path_prefix: str) -> list[str]:
        """The absolute links in the message's text whose path starts with `path_prefix`."""
        return re.findall(rf"https?://[^\s/]+{re.escape(path_prefix)}\S*", message.get_content())


@pytest.fixture
def smtp_inbox(settings) -> Iterator[Inbox]:
    """Django's SMTP backend sends to a server listening on a free local port for this test."""
    # Imported here: a virtualenv not yet synced with the lock files fails these tests alone.
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()
