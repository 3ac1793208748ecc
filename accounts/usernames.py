"""Usernames: one account per name as people read it, whatever its spelling.

Login finds an account by its username or its e-mail address, case-insensitively, so two
names that read the same would both answer one login. A username is therefore compared by
its key: Unicode NFKC (the fullwidth `ＡＣＭＥ` is `ACME`), case-folded, and with each letter
that has an ASCII look-alike in Unicode's confusables (the Cyrillic `а`, the Greek `ο`) replaced
by it. `User.username_key` stores it under a unique constraint, so the database holds the rule
even when two registrations race. A name mixing scripts with look-alikes in it (`pаypal`) is
refused outright, and a name shaped like an e-mail address must be the account's own address:
otherwise it would log in as the account whose e-mail it is.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from django.core.exceptions import ValidationError

MIXED_SCRIPTS_MESSAGE = "This username mixes scripts with letters that look like others; choose another."
NOT_OWN_EMAIL_MESSAGE = "A username with @ in it must be the account's own e-mail address."
TAKEN_MESSAGE = "A user with that username already exists."


def normalized_username(name: str) -> str:
    """The spelling a username is stored in (what Django's `normalize_username` does)."""
    return unicodedata.normalize("NFKC", name)


@lru_cache(maxsize=1)
def _confusables():
    # Imported on first use: loading Unicode's tables costs every process ~80 ms, most never need them.
    from confusable_homoglyphs import confusables

    return confusables


@lru_cache(maxsize=1024)
def _ascii_look_alike(char: str) -> str:
    found = _confusables().is_confusable(char, greedy=True)
    homoglyphs = found[0]["homoglyphs"] if found else []
    return next((glyph["c"] for glyph in homoglyphs if glyph["c"].isascii()), char)


def _with_ascii_look_alikes(text: str) -> str:
    return "".join(char if char.isascii() else _ascii_look_alike(char) for char in text)


def username_key(name: str) -> str:
    """What two usernames that read the same have in common: the unique key of `User`.

    Look-alikes are replaced before and after case folding: the capital Cyrillic `М` looks like
    `M`, its small `м` like no ASCII letter.
    """
    folded = unicodedata.normalize("NFKC", _with_ascii_look_alikes(normalized_username(name)).casefold())
    return _with_ascii_look_alikes(folded).lower()


def is_email_shaped(name: str) -> bool:
    return "@" in name


def validate_username_scripts(name: str) -> None:
    """Validator of the username field: no look-alike letters of another script mixed in."""
    if _confusables().is_dangerous(normalized_username(name)):
        raise ValidationError(MIXED_SCRIPTS_MESSAGE, code="mixed_scripts")


def validate_username_for_email(name: str, email: str) -> None:
    """An e-mail-shaped username is allowed only as the account's own e-mail address."""
    if is_email_shaped(name) and normalized_username(name).casefold() != (email or "").casefold():
        raise ValidationError(NOT_OWN_EMAIL_MESSAGE, code="not_own_email")
