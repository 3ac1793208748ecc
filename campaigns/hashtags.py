"""Campaign hashtags: typed as "summer, #AcmeOutdoor", stored as the list ["#summer", "#AcmeOutdoor"]."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

MAX_HASHTAGS = 30  # what Instagram accepts on one post
MAX_LENGTH = 100  # Campaign.clean's bound, "#" included
WORD = re.compile(r"\w+")  # letters (any script), digits and underscores, as the networks allow


def parse_hashtags(value: str | list[str] | None) -> list[str]:
    """Split on commas and new lines, add the "#", drop repeats (case-insensitive). ValidationError names each bad tag."""
    parts = value if isinstance(value, list) else re.split(r"[,\n]", value or "")
    hashtags: list[str] = []
    seen: set[str] = set()
    errors: list[str] = []
    for part in parts:
        tag = str(part).strip()
        if not tag:
            continue
        word = tag.removeprefix("#")
        if not WORD.fullmatch(word):
            errors.append(f"“{tag}” is not a hashtag: use letters, digits and underscores only, no spaces.")
        elif len(word) + 1 > MAX_LENGTH:
            errors.append(f"“{tag[:20]}…” is too long: at most {MAX_LENGTH} characters.")
        elif word.casefold() not in seen:
            seen.add(word.casefold())
            hashtags.append(f"#{word}")
    if not errors and len(hashtags) > MAX_HASHTAGS:
        errors.append(f"At most {MAX_HASHTAGS} hashtags ({len(hashtags)} given).")
    if errors:
        raise ValidationError(errors, code="invalid_hashtag")
    return hashtags
