"""Who uses a network: an ISP's subscribers, a hosting provider's servers, a school, a government or a company.

A file that says so itself (MaxMind's `user_type` or `connection_type`) is taken at its word. Otherwise the
organisation's name and domain decide, by the words that registries' names use for each kind, checked in
the order education, government, hosting, ISP; a name with none of them is a company's.
"""

from __future__ import annotations

import re

from .models import NetworkKind

USER_TYPES = {
    "business": NetworkKind.COMPANY,
    "cafe": NetworkKind.ISP,
    "cellular": NetworkKind.ISP,
    "college": NetworkKind.EDUCATION,
    "consumer_privacy": NetworkKind.HOSTING,
    "content_delivery_network": NetworkKind.HOSTING,
    "corporate": NetworkKind.COMPANY,
    "government": NetworkKind.GOVERNMENT,
    "hosting": NetworkKind.HOSTING,
    "library": NetworkKind.EDUCATION,
    "military": NetworkKind.GOVERNMENT,
    "residential": NetworkKind.ISP,
    "router": NetworkKind.ISP,
    "school": NetworkKind.EDUCATION,
    "search_engine_spider": NetworkKind.HOSTING,
    "traveler": NetworkKind.ISP,
    "cable/dsl": NetworkKind.ISP,
    "dialup": NetworkKind.ISP,
}

_WORDS = {
    NetworkKind.EDUCATION: (
        r"universit\w*|college|school|academ\w*|polytechnic|institute of technology|research and education|"
        r"education\w*|hochschule|fachhochschule|\w*schule"
    ),
    NetworkKind.GOVERNMENT: (
        r"government|ministry|ministerium|federal|department of|municipal\w*|city of|state of|county|parliament|"
        r"police|military|army|navy|air force|bundes\w*"
    ),
    NetworkKind.HOSTING: (
        r"hosting|host|hoster|cloud|data ?cent(?:er|re)s?|datacenter|servers?|vps|colo(?:cation)?|cdn|"
        r"content delivery|amazon|aws|google|microsoft|azure|digitalocean|digital ocean|linode|akamai|ovh|"
        r"hetzner|cloudflare|fastly|oracle|alibaba|tencent|vultr|contabo|leaseweb|scaleway|choopa|ionos"
    ),
    NetworkKind.ISP: (
        r"telecom\w*|telekom\w*|telecommunications?|communications?|broadband|cable|mobile|wireless|cellular|"
        r"internet|isp|fib(?:er|re)|dsl|telefonica|vodafone|orange|comcast|verizon|at&t|charter|t-mobile|telia|"
        r"telenor|unicom|bharti|jio|swisscom|proximus|kpn|virgin media|net ?access|telco|\w*telecom"
    ),
}
_PATTERNS = {kind: re.compile(rf"(?<![a-z])(?:{words})(?![a-z])") for kind, words in _WORDS.items()}
_DOMAIN_SUFFIXES = {
    NetworkKind.EDUCATION: re.compile(r"\.(?:edu|ac\.[a-z]{2}|edu\.[a-z]{2})$"),
    NetworkKind.GOVERNMENT: re.compile(r"\.(?:gov|mil|gov\.[a-z]{2}|gouv\.[a-z]{2})$"),
}


def network_kind(organisation: str, domain: str = "", user_type: str = "") -> str:
    stated = USER_TYPES.get(user_type.strip().lower())
    if stated is not None:
        return stated
    domain = domain.strip().lower()
    for kind, suffix in _DOMAIN_SUFFIXES.items():
        if suffix.search(domain):
            return kind
    name = organisation.strip().lower()
    for kind, pattern in _PATTERNS.items():
        if pattern.search(name):
            return kind
    return NetworkKind.COMPANY
