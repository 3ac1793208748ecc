"""Text PostgreSQL can store: no NUL character in a text column, nor anywhere in a jsonb value.

PostgreSQL refuses U+0000 in `text` and in `jsonb` (keys and values alike), so a NUL that
reaches the database is a 500. The API parsers refuse it in every request body, model
JSONFields carry `refuse_null_characters` for the writes that do not come through the API
(admin forms, imports), and Django's and DRF's CharFields already refuse it in plain text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.core.exceptions import ValidationError

NUL = "\x00"
NULL_CHARACTERS_MESSAGE = "Null characters are not allowed."


def null_character_paths(value: Any) -> Iterator[tuple[str | int, ...]]:
    """The path (keys and indexes) of every string, key or value, holding a NUL, walked without recursion."""
    pending: list[tuple[tuple[str | int, ...], Any]] = [((), value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, str):
            if NUL in item:
                yield path
        elif isinstance(item, Mapping):
            for key, child in item.items():
                if isinstance(key, str) and NUL in key:
                    yield (*path, key)
                else:
                    pending.append(((*path, key), child))
        elif isinstance(item, list | tuple):
            pending.extend(((*path, index), child) for index, child in enumerate(item))


def has_null_character(value: Any) -> bool:
    return next(null_character_paths(value), None) is not None


def refuse_null_characters(value: Any) -> None:
    """Validator of JSONFields (and any text): no NUL in a string, a key or a nested value."""
    if has_null_character(value):
        raise ValidationError(NULL_CHARACTERS_MESSAGE, code="null_characters_not_allowed")
