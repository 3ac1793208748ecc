"""What the services raise when they refuse a request. It knows nothing of HTTP: the API's one exception
handler (leadplatform.api.exceptions) answers each class with its status in each surface's shape, with
its message; admin and the HTML pages show the message as it is."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every refusal a service raises; its text (`str(exc)`) is the message the user reads."""


class RuleRefused(DomainError):
    """The current state of what the request is about does not allow it (a 409 on every surface)."""


# ------------------------------------------------------------------------------
# Refusals of the campaign, task and account services
# ------------------------------------------------------------------------------
class PermissionRefused(DomainError):
    """The caller may not do this, whatever the state (a 403 on every surface)."""


class NotFound(DomainError):
    """What the request names does not exist for the caller (a 404 on every surface)."""


class InvalidInput(DomainError):
    """Values the service cannot accept, by field (the surface's validation error: its 400 or 422)."""

    def __init__(self, errors: dict[str, str | list[str]]) -> None:
        self.errors = errors
        super().__init__(" ".join(text for value in errors.values() for text in _texts(value)))


def _texts(value: str | list[str]) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list | tuple) else [str(value)]
