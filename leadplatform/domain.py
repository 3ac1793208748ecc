"""What the services raise when a business rule refuses a request. It knows nothing of HTTP: the API's
one exception handler (leadplatform.api.exceptions) answers it as a 409 in each surface's shape, with
its message, and admin shows the message as it is."""


class RuleRefused(Exception):
    """The current state of what the request is about does not allow it (a 409 on every surface)."""


class InvalidInput(Exception):
    """Values a service cannot accept, by field (the surface's validation error: its 400 or 422, with
    `errors` as the field errors). Its text joins the messages."""

    def __init__(self, errors: dict[str, str | list[str]]) -> None:
        self.errors = errors
        super().__init__(" ".join(str(text) for value in errors.values() for text in _texts(value)))


def _texts(value: str | list[str]) -> list[str]:
    return list(value) if isinstance(value, list | tuple) else [value]
