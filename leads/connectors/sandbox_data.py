"""Deterministic fake social data for the sandbox connector: profiles, audiences and posts.

Everything is derived from a `random.Random` seeded with the request's key (kind, platform,
identifier), so the same target always yields the same accounts in the same order, in every
process and on every machine. Nothing here touches the network; e-mail domains are under
`.example` and no profile links a website, so nothing a job stores leads anywhere.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from .base import Post, Profile

#: Posts are dated back from this fixed instant, so their dates are as deterministic as the rest.
POSTS_ANCHOR = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

FIRST_NAMES = (
    "Ana",
    "Ben",
    "Chloe",
    "Daniel",
    "Elif",
    "Farah",
    "Gabriel",
    "Hana",
    "Ivan",
    "Julia",
    "Kenji",
    "Lena",
    "Mateo",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Umar",
    "Vera",
    "Wei",
    "Yara",
    "Zoe",
    "Linh",
    "Minh",
    "Sofia",
    "Lucas",
    "Amara",
)
LAST_NAMES = (
    "Silva",
    "Nguyen",
    "Okafor",
    "Schmidt",
    "Rossi",
    "Kowalski",
    "Haddad",
    "Tanaka",
    "Moreau",
    "Costa",
    "Jensen",
    "Patel",
    "Reyes",
    "Novak",
    "Ahmed",
    "Larsen",
    "Fischer",
    "Ortiz",
    "Kim",
    "Dubois",
)
TOPICS = (
    "fitness",
    "vegan food",
    "running",
    "yoga",
    "travel",
    "coffee",
    "photography",
    "skincare",
    "design",
    "home cooking",
    "cycling",
    "interiors",
    "parenting",
    "gaming",
    "books",
)
ROLES = ("Coach", "Creator", "Founder", "Photographer", "Chef", "Designer", "Nutritionist", "Trainer", "Writer")
HANDLE_STYLES = ("{first}{last}", "{first}_{last}", "{first}.{topic}", "the{first}{last}", "{first}{last}{n}")
CAPTIONS = (
    "New {topic} routine is up, link in bio",
    "What I eat in a day, {topic} edition",
    "Three {topic} tips nobody told me",
    "Behind the scenes of this week's shoot",
    "Giveaway! Tag a friend who loves {topic}",
    "Small wins count. Day {n} of the challenge",
)
GROUP_POSTS = (
    "Anyone hiring for a remote {topic} role? Happy to share my portfolio.",
    "Weekly thread: share what you shipped this week.",
    "Looking for recommendations on {topic} tools, what do you use?",
    "Meetup next Thursday, details in the comments.",
    "We are hiring two juniors, DM me your CV.",
    "Question about {topic}: how do you structure your week?",
)


def rng_for(*parts: object) -> random.Random:
    """A generator seeded by the parts: the same parts give the same sequence everywhere."""
    return random.Random(":".join(str(part) for part in parts))


def follower_count(rng: random.Random) -> int:
    """Log-uniform between 50 and 2 million: most accounts small, a few large."""
    return int(10 ** rng.uniform(1.7, 6.3))


def fake_profile(platform: str, username: str) -> Profile:
    """The one profile a username always has on a platform."""
    rng = rng_for("profile", platform, username)
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    topic, role = rng.choice(TOPICS), rng.choice(ROLES)
    is_business = rng.random() < 0.35
    domain = rng.choice(("mail", "studio", "inbox"))
    emails = [f"{username.replace('.', '_')}@{domain}.example"] if rng.random() < 0.45 else []
    phones = [f"+44 20 7946 {rng.randrange(10000):04d}"] if rng.random() < 0.2 else []
    bio = f"{role} · {topic}"
    if emails:
        bio += f" · collabs: {emails[0]}"
    if phones:
        bio += f" · {phones[0]}"
    return Profile(
        platform=platform,
        username=username,
        full_name=f"{first} {last}" if not is_business else f"{first} {last} {role}",
        bio=bio,
        followers=follower_count(rng),
        following=rng.randrange(20, 2500),
        emails=emails,
        phones=phones,
        is_verified=rng.random() < 0.05,
        is_business=is_business,
    )


def fake_username(rng: random.Random) -> str:
    style = rng.choice(HANDLE_STYLES)
    return style.format(
        first=rng.choice(FIRST_NAMES).lower(),
        last=rng.choice(LAST_NAMES).lower(),
        topic=rng.choice(TOPICS).split()[0],
        n=rng.randrange(1, 100),
    )


def audience_size(kind: str, platform: str, identifier: str) -> int:
    """How many accounts a target's audience (followers, following, likers) has: 40 to 160."""
    return rng_for("size", kind, platform, identifier).randrange(40, 161)


def audience(kind: str, platform: str, identifier: str, offset: int, count: int) -> list[Profile]:
    """Accounts `offset` … `offset + count` of the target's audience, always the same ones."""
    rng = rng_for("audience", kind, platform, identifier)
    usernames: list[str] = []
    for position in range(offset + count):
        username = fake_username(rng)
        # An audience lists an account once: a repeated handle becomes another account.
        usernames.append(username if username not in usernames else f"{username}{position}")
    return [fake_profile(platform, username) for username in usernames[offset:]]


def post_count(kind: str, platform: str, identifier: str) -> int:
    """How many posts a hashtag or group has: 30 to 120."""
    return rng_for("size", kind, platform, identifier).randrange(30, 121)


def hashtag_post(platform: str, hashtag: str, index: int) -> tuple[Post, Profile]:
    """Post number `index` under a hashtag and the profile of its author."""
    rng = rng_for("hashtag", platform, hashtag, index)
    author = fake_profile(platform, fake_username(rng))
    likes = rng.randrange(5, max(6, (author.followers or 100) // 8))
    post = Post(
        platform=platform,
        post_id=f"sbx-{hash_key(platform + hashtag):08x}-{index}",
        username=author.username,
        author=author.full_name,
        text=f"{rng.choice(CAPTIONS).format(topic=rng.choice(TOPICS), n=rng.randrange(2, 60))} #{hashtag}",
        posted_at=POSTS_ANCHOR - timedelta(hours=index * 3 + rng.randrange(3)),
        likes=likes,
        comments=rng.randrange(0, likes // 10 + 2),
        views=likes * rng.randrange(4, 20) if rng.random() < 0.4 else 0,
        author_followers=author.followers,
    )
    return post, author


def group_post(group_id: str, index: int) -> Post:
    """Post number `index` of a Facebook group."""
    rng = rng_for("group", group_id, index)
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return Post(
        platform="facebook",
        post_id=f"sbx-{group_id}-{index}",
        username=f"{rng.randrange(10**14, 10**15)}",
        author=f"{first} {last}",
        text=rng.choice(GROUP_POSTS).format(topic=rng.choice(TOPICS)),
        posted_at=POSTS_ANCHOR - timedelta(hours=index * 5 + rng.randrange(5)),
        likes=rng.randrange(0, 80),
        comments=rng.randrange(0, 30),
        shares=rng.randrange(0, 10),
    )


def hash_key(text: str) -> int:
    """A stable integer of a text (Python's hash() changes per process)."""
    return int.from_bytes(rng_for("key", text).randbytes(4), "big")
