"""How a secret is shown once it has been issued: its last four characters, never more.

API tokens, webhook signing secrets and connector credentials are shown in full only in the
answer that creates or rotates them; every page after that, in admin as on the API, shows
the masked form, whoever looks.
"""

from __future__ import annotations

#: Characters of a secret that stay readable.
SHOWN_CHARACTERS = 4
#: A secret shorter than this shows none of its characters (four of them would be too many).
SHORTEST_SHOWN = 9


def mask_secret(plaintext: str) -> str:
    """ "…" and the last four characters; "set" for a short secret, "" when there is none."""
    if not plaintext:
        return ""
    if len(plaintext) < SHORTEST_SHOWN:
        return "set"
    return "…" + plaintext[-SHOWN_CHARACTERS:]
