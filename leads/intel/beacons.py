"""The snippet's beacon checked by hand: the rules and error messages of `CollectSerializer`, at a
fraction of its cost (collect is the platform's busiest route; the serializer remains for the schema).

`clean_beacon(data, find_site)` returns the site and the batch to queue, or raises `InvalidBeacon`
whose `errors` are exactly what `CollectSerializer(data=data).errors` would say (a test compares them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator, URLValidator

from leadplatform.url_input import refuse_hidden_characters

from .api.serializers import CLIENT_ID, MAX_ACTIONS_PER_BATCH, MAX_CLOCK_SPAN_MS, MAX_EPOCH_MS
from .sites import SiteEntry

ACTION_TYPES = ("page", "leave", "identify")
REQUIRED_BY_TYPE = {"page": ("url",), "leave": ("time_on_page",), "identify": ("email",)}
CLIENT_ID_PATTERN = CLIENT_ID.regex
TRAILING_ZERO_DECIMALS = re.compile(r"\.0*\s*$")  # DRF's IntegerField accepts "12.0"
MAX_INTEGER_STRING = 1000
_MISSING = object()

REQUIRED = "This field is required."
NULL = "This field may not be null."
BLANK = "This field may not be blank."
NOT_A_STRING = "Not a valid string."
NOT_AN_INTEGER = "A valid integer is required."
INVALID_URL = "Enter a valid URL."
INVALID_EMAIL = "Enter a valid email address."

_url_validator = URLValidator(message=INVALID_URL)
# In the order of HttpUrlField's validators, so the messages come in the serializer's order.
URL_VALIDATORS = (_url_validator, refuse_hidden_characters)
_email_validator = EmailValidator(message=INVALID_EMAIL)


class InvalidBeacon(Exception):
    def __init__(self, errors: dict) -> None:
        super().__init__(errors)
        self.errors = errors


class FieldInvalid(Exception):
    def __init__(self, messages: list[str]) -> None:
        self.messages = messages


# ------------------------------------------------------------------------------
# Fields: each returns the clean value, or raises FieldInvalid with DRF's messages
# ------------------------------------------------------------------------------
def _text(
    value: Any,
    *,
    max_length: int,
    allow_blank: bool = False,
    invalid: str = NOT_A_STRING,
    pattern: re.Pattern | None = None,
    pattern_message: str = "",
    check: Callable | None = None,
    validators: tuple[Callable, ...] = (),
) -> str:
    """DRF's CharField: blank, null and type first, then every validator, all their messages together."""
    if value is None:
        raise FieldInvalid([NULL])
    stripped = (value if type(value) is str else str(value)).strip()
    if not stripped:
        if not allow_blank:
            raise FieldInvalid([BLANK])
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FieldInvalid([invalid])
    value = stripped
    if check is not None:
        check(value)  # a refusal by the field's own conversion, before its validators
    messages = []
    if pattern is not None and not pattern.search(value):
        messages.append(pattern_message)
    if len(value) > max_length:
        messages.append(f"Ensure this field has no more than {max_length} characters.")
    if "\x00" in value:
        messages.append("Null characters are not allowed.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        surrogate = next(char for char in value if 0xD800 <= ord(char) <= 0xDFFF)
        messages.append(f"Surrogate characters are not allowed: U+{ord(surrogate):X}.")
    for validator in validators:
        try:
            validator(value)
        except DjangoValidationError as exc:
            messages.extend(exc.messages)
    if messages:
        raise FieldInvalid(messages)
    return value


def _integer(value: Any, *, max_value: int, min_value: int = 0) -> int:
    if value is None:
        raise FieldInvalid([NULL])
    if type(value) is not int:
        if isinstance(value, str) and len(value) > MAX_INTEGER_STRING:
            raise FieldInvalid(["String value too large."])
        try:
            value = int(TRAILING_ZERO_DECIMALS.sub("", str(value)))
        except (ValueError, TypeError):
            raise FieldInvalid([NOT_AN_INTEGER]) from None
    if value > max_value:
        raise FieldInvalid([f"Ensure this value is less than or equal to {max_value}."])
    if value < min_value:
        raise FieldInvalid([f"Ensure this value is greater than or equal to {min_value}."])
    return value


def _http_url(value: str) -> None:
    try:
        scheme = urlsplit(value).scheme
    except ValueError:  # "http://[::1": the serializer would fail with a 500 here
        raise FieldInvalid([INVALID_URL]) from None
    if scheme not in ("http", "https"):
        raise FieldInvalid(["Only http and https URLs."])


def _client_id(value: Any) -> str:
    return _text(value, max_length=64, pattern=CLIENT_ID_PATTERN, pattern_message=CLIENT_ID.message)


def _url(value: Any) -> str:
    return _text(value, max_length=2000, invalid=INVALID_URL, check=_http_url, validators=URL_VALIDATORS)


def _email(value: Any) -> str:
    return _text(value, max_length=254, invalid=INVALID_EMAIL, validators=(_email_validator,))


def _action_type(value: Any) -> str:
    if value is None:
        raise FieldInvalid([NULL])
    if str(value) not in ACTION_TYPES:
        raise FieldInvalid([f'"{value}" is not a valid choice.'])
    return str(value)


# Declared order matters: errors are reported in it, like the serializer's fields.
ACTION_FIELDS: tuple[tuple[str, bool, Callable[[Any], Any]], ...] = (
    ("type", True, _action_type),
    ("id", True, _client_id),
    ("at", True, lambda value: _integer(value, max_value=MAX_EPOCH_MS)),
    ("url", False, _url),
    ("title", False, lambda value: _text(value, max_length=500, allow_blank=True)),
    ("referrer", False, lambda value: _text(value, max_length=2000, allow_blank=True)),
    ("time_on_page", False, lambda value: _integer(value, max_value=86_400)),
    ("email", False, _email),
    ("name", False, lambda value: _text(value, max_length=200, allow_blank=True)),
)


def _fields(data: Mapping, fields) -> tuple[dict, dict]:
    clean, errors = {}, {}
    for name, required, convert in fields:
        value = data.get(name, _MISSING)
        if value is _MISSING:
            if required:
                errors[name] = [REQUIRED]
            continue
        try:
            clean[name] = convert(value)
        except FieldInvalid as invalid:
            errors[name] = invalid.messages
    return clean, errors


def _not_a_dict(value: Any) -> dict:
    return {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {type(value).__name__}."]}


def _action(item: Any) -> dict:
    if item is None:
        raise InvalidBeacon([NULL])
    if not isinstance(item, Mapping):
        raise InvalidBeacon(_not_a_dict(item))
    action, errors = _fields(item, ACTION_FIELDS)
    if errors:
        raise InvalidBeacon(errors)
    missing = [name for name in REQUIRED_BY_TYPE[action["type"]] if name not in action]
    if missing:
        raise InvalidBeacon({name: ["Required for this action type."] for name in missing})
    return action


def _actions(value: Any) -> list[dict]:
    if value is None:
        raise FieldInvalid([NULL])
    if not isinstance(value, list):
        raise InvalidBeacon({"non_field_errors": [f'Expected a list of items but got type "{type(value).__name__}".']})
    if len(value) > MAX_ACTIONS_PER_BATCH:
        raise InvalidBeacon(
            {"non_field_errors": [f"Ensure this field has no more than {MAX_ACTIONS_PER_BATCH} elements."]}
        )
    if not value:
        raise InvalidBeacon({"non_field_errors": ["Ensure this field has at least 1 elements."]})
    actions, errors = [], {}
    for index, item in enumerate(value):
        try:
            actions.append(_action(item))
        except InvalidBeacon as invalid:
            errors[index] = invalid.errors
    if errors:
        raise InvalidBeacon(errors)
    return actions


BEACON_FIELDS = (
    ("site_key", True, lambda value: _text(value, max_length=64)),
    ("visitor", True, _client_id),
    ("session", True, _client_id),
    ("sent", True, lambda value: _integer(value, max_value=MAX_EPOCH_MS)),
)


def clean_beacon(data: Any, find_site: Callable[[str], SiteEntry | None]) -> tuple[SiteEntry, dict]:
    """The site and the batch `{"visitor", "session", "sent", "actions"}`, or InvalidBeacon."""
    if not isinstance(data, Mapping):
        raise InvalidBeacon(_not_a_dict(data))
    beacon, errors = _fields(data, BEACON_FIELDS)
    actions = data.get("actions", _MISSING)
    if actions is _MISSING:
        errors["actions"] = [REQUIRED]
    else:
        try:
            beacon["actions"] = _actions(actions)
        except FieldInvalid as invalid:
            errors["actions"] = invalid.messages
        except InvalidBeacon as invalid:
            errors["actions"] = invalid.errors
    if errors:
        raise InvalidBeacon(errors)
    site = find_site(beacon.pop("site_key"))
    if site is None:
        raise InvalidBeacon({"site_key": ["Unknown or inactive site key."]})
    for index, action in enumerate(beacon["actions"]):
        if not 0 <= beacon["sent"] - action["at"] <= MAX_CLOCK_SPAN_MS:
            raise InvalidBeacon({"actions": {index: {"at": ["Not within a day before `sent`."]}}})
        host = urlsplit(action["url"]).hostname if "url" in action else None
        if host is not None and not site.accepts_host(host):
            raise InvalidBeacon({"actions": {index: {"url": ["Not on this site's domain."]}}})
    return site, beacon
