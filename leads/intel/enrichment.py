"""Filling in a company from what the platform already knows of it.

- **Domain from its people**: a company without a domain takes the e-mail domain of a person identified on
  its network, unless that domain is a mailbox provider's (anyone may have an address there) or another
  company's already.
- **Network**: the organisation and AS number of the network its visits came from (the latest visit's).
- **Pages**: what its visits looked at, by the points each path added to its score (`scores.top_pages`).

The companies export (admin, "Export selected companies") carries these with the columns a CRM import
expects: name, domain, country, industry, visits, score, last seen.
"""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from .models import Company, VisitSession
from .resolution import parent_domains

#: Mailbox providers whose addresses say nothing of the employer (the largest, by the share of addresses).
MAILBOX_PROVIDERS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "ymail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "t-online.de",
        "mail.ru",
        "yandex.ru",
        "yandex.com",
        "seznam.cz",
        "centrum.cz",
        "email.cz",
        "wp.pl",
        "o2.pl",
        "orange.fr",
        "free.fr",
        "laposte.net",
        "libero.it",
        "qq.com",
        "163.com",
        "126.com",
        "naver.com",
        "zoho.com",
        "fastmail.com",
        "hey.com",
        "tutanota.com",
    }
)


def is_mailbox_provider(domain: str) -> bool:
    domain = domain.strip().lower()
    return (
        domain in MAILBOX_PROVIDERS
        or any(parent in MAILBOX_PROVIDERS for parent in parent_domains(domain))
        or domain.split(".")[0] in {"yahoo", "hotmail", "outlook", "live"}
    )


def domain_from_email(company: Company, email: str) -> bool:
    """Give `company` the e-mail's domain when it has none and nobody else has it; whether it did."""
    domain = email.strip().lower().rpartition("@")[2]
    if company.domain or not domain or is_mailbox_provider(domain):
        return False
    if Company.objects.filter(domain=domain).exclude(pk=company.pk).exists():
        return False
    updated = Company.objects.filter(pk=company.pk, domain="").update(domain=domain)
    if updated:
        company.domain = domain
    return bool(updated)


def with_latest_network(companies):
    """Annotate `network_organisation` and `network_asn`: those of the company's latest visit."""
    latest = VisitSession.objects.filter(company=OuterRef("pk")).exclude(network_organisation="").order_by("-id")
    return companies.annotate(
        network_organisation=Subquery(latest.values("network_organisation")[:1]),
        network_asn=Subquery(latest.values("network_asn")[:1]),
    )
