"""Fixtures of the account tests."""

from ..smtp import smtp_inbox  # noqa: F401  (a fixture: a real SMTP server on localhost)
