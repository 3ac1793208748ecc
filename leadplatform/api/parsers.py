"""Request body parsers of every surface: JSON whose nesting is bounded before it is parsed, and no
body (JSON, form or multipart) that holds a NUL character, which PostgreSQL cannot store."""

from __future__ import annotations

import re
from itertools import accumulate

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.utils import json

from leadplatform.stored_text import NUL, NULL_CHARACTERS_MESSAGE, null_character_paths

# A JSON string literal (escapes included); its brackets are text, not nesting.
STRING_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
NOT_A_BRACKET = re.compile(r"[^\[\]{}]")
OPENING = frozenset("[{")


def nesting_depth(text: str) -> int:
    """How deep arrays and objects nest in `text`, counted without recursion."""
    brackets = NOT_A_BRACKET.sub("", STRING_LITERAL.sub("", text))
    return max(accumulate(1 if bracket in OPENING else -1 for bracket in brackets), default=0)


def check_nesting(text: str) -> None:
    limit = settings.API_MAX_JSON_DEPTH
    if text.count("[") + text.count("{") > limit and nesting_depth(text) > limit:
        raise ParseError(f"JSON parse error - arrays and objects nest deeper than {limit} levels.")


def refuse_null_characters(data) -> None:
    """The surface's validation error naming the top-level field whose text (a key or a value, at any depth) has a NUL."""
    path = next(null_character_paths(data), None)
    if path is None:
        return
    named = path and isinstance(path[0], str) and NUL not in path[0]
    raise ValidationError({path[0] if named else "non_field_errors": [NULL_CHARACTERS_MESSAGE]})


class BoundedJSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than `API_MAX_JSON_DEPTH` with a 400.

    The standard library's parser recurses once per level: a body of 100,000 `[` is a
    RecursionError (a 500) without this check.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            text = stream.read().decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        check_nesting(text)
        try:
            data = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        except RecursionError:
            raise ParseError("JSON parse error - the body nests too deeply.") from None
        if "\\u0000" in text:  # the only way a NUL gets into valid JSON: walk the data only then
            refuse_null_characters(data)
        return data


class NulFreeFormParser(parsers.FormParser):
    """DRF's form parser, refusing a NUL in a field name or value (the surface's validation error)."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        refuse_null_characters(dict(data.lists()))
        return data


class NulFreeMultiPartParser(parsers.MultiPartParser):
    """DRF's multipart parser, refusing a NUL in a field name or value, or in an uploaded file's name."""

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        refuse_null_characters(dict(parsed.data.lists()))
        refuse_null_characters(
            {key: [upload.name or "" for upload in uploads] for key, uploads in parsed.files.lists()}
        )
        return parsed
