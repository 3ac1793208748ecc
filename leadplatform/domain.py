"""What the services raise when a business rule refuses a request. It knows nothing of HTTP: the API's
one exception handler (leadplatform.api.exceptions) answers it as a 409 in each surface's shape, with
its message, and admin shows the message as it is."""


class RuleRefused(Exception):
    """The current state of what the request is about does not allow it (a 409 on every surface)."""
