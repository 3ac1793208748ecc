"""URLs the platform is given (API fields, admin and page forms, the tracking snippet's beacons):
the characters a URL may hold, one rule for every input.

Django's URLValidator accepts any character above U+00A0 in a host and anything but whitespace
in a path, so a zero-width space or a right-to-left override passed, was stored, and was listed
back in a field documented as `format: uri`. Control (Cc) and format (Cf) characters are invisible
or reorder the text around them: U+200B..U+200F, U+202A..U+202E, U+2066..U+2069, U+FEFF and the
C0/C1 controls. A URL holding one can read as another URL, and RFC 3986 allows none of them
unencoded; the line and paragraph separators (Zl, Zp) break a URL as a newline does.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError

HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
HIDDEN_CHARACTER_CODE = "hidden_character"


def first_hidden_character(value: str) -> str | None:
    """The first invisible, bidirectional or control character of `value`, or None."""
    if value.isascii():
        # The ASCII controls only: a quick pass for the usual URL.
        return next((char for char in value if char < " " or char == "\x7f"), None)
    return next((char for char in value if unicodedata.category(char) in HIDDEN_CATEGORIES), None)


def refuse_hidden_characters(value: str) -> None:
    """A Django validator (so serializers and forms share it): refuse a URL holding such a character."""
    hidden = first_hidden_character(value) if isinstance(value, str) else None
    if hidden is not None:
        raise ValidationError(
            f"Enter a URL without invisible or control characters (U+{ord(hidden):04X}).", code=HIDDEN_CHARACTER_CODE
        )
