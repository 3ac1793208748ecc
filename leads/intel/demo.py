"""Demo data for lead intelligence: turnovers, magnitudes, companies with IP ranges, a small generated
network data sample, a site per demo advertiser, persons, and sessions with their actions (some from an
ISP's and a datacenter's network, with no company), a page rule and watch rules, the companies' scores and
today's alerts. Idempotent: everything found by natural keys."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from accounts.models import Advertiser

from . import alerts, scores
from .models import (
    Company,
    IpRange,
    Magnitude,
    NetworkDataset,
    PageWeightRule,
    Person,
    Site,
    Turnover,
    VisitAction,
    VisitSession,
    WatchRule,
)
from .network_data import import_network_data
from .resolution import network_fields, network_of

TURNOVERS = [
    ("Under 1 M EUR", None, 1_000_000),
    ("1–10 M EUR", 1_000_000, 10_000_000),
    ("10–50 M EUR", 10_000_000, 50_000_000),
    ("Over 50 M EUR", 50_000_000, None),
]
MAGNITUDES = [("1–9", 1, 9), ("10–49", 10, 49), ("50–249", 50, 249), ("250+", 250, None)]
COMPANIES = [
    # name, registration id, domain, country, industry, turnover index, magnitude index, CIDR
    ("Bohemia Logistics a.s.", "CZ25678901", "bohemia-logistics.example", "CZ", "Logistics", 2, 2, "198.51.100.0/25"),
    ("Nordic Timber AB", "SE5566778899", "nordic-timber.example", "SE", "Wood products", 1, 1, "198.51.100.128/25"),
    ("Danube Software GmbH", "ATFN123456", "danube-software.example", "AT", "Software", 1, 1, "203.0.113.0/26"),
    ("Atlas Retail Ltd", "GB09876543", "atlas-retail.example", "GB", "Retail", 3, 3, "203.0.113.64/26"),
]
PERSONS = [
    ("Jana Novak", "jana.novak@bohemia-logistics.example", "Head of purchasing", 0),
    ("Erik Lund", "erik.lund@nordic-timber.example", "CEO", 1),
    ("Lena Gruber", "lena.gruber@danube-software.example", "CTO", 2),
]
PAGES = [("/", "Home"), ("/pricing", "Pricing"), ("/contact", "Contact us")]
SESSIONS_PER_SITE = 12
# The generated network data sample, in iptoasn's format: the demo companies' networks, an ISP's subscribers
# and a datacenter (documentation address ranges only).
NETWORK_SAMPLE_NAME = "demo-ip2asn-sample.tsv"
NETWORK_SAMPLE = [
    ("192.0.2.0", "192.0.2.255", 64496, "DE", "Demo Telekom Broadband"),
    ("198.51.100.0", "198.51.100.255", 64497, "CZ", "Bohemia Logistics a.s."),
    ("203.0.113.0", "203.0.113.255", 64498, "US", "Demo Cloud Hosting LLC"),
]
#: Sessions per site whose address is on a network that names no company: (session key, address).
NETWORK_ONLY_SESSIONS = [("demo-session-isp-0001", "192.0.2.44"), ("demo-session-hosting-0001", "203.0.113.200")]


def seed(credentials: dict) -> None:
    turnovers = [
        Turnover.objects.update_or_create(name=name, defaults={"min_amount": low, "max_amount": high, "order": i})[0]
        for i, (name, low, high) in enumerate(TURNOVERS)
    ]
    magnitudes = [
        Magnitude.objects.update_or_create(
            name=name, defaults={"min_employees": low, "max_employees": high, "order": i}
        )[0]
        for i, (name, low, high) in enumerate(MAGNITUDES)
    ]
    companies = []
    for name, registration_id, domain, country, industry, turnover, magnitude, cidr in COMPANIES:
        company, _ = Company.objects.update_or_create(
            domain=domain,
            defaults={
                "name": name,
                "registration_id": registration_id,
                "country": country,
                "industry": industry,
                "address": f"1 Demo Street, {country}",
                "turnover": turnovers[turnover],
                "magnitude": magnitudes[magnitude],
            },
        )
        IpRange.objects.update_or_create(cidr=cidr, defaults={"company": company, "note": "demo"})
        companies.append(company)

    seed_network_sample()
    credentials["intel_sites"] = []
    for spec in credentials.get("advertisers", []):
        advertiser = Advertiser.objects.get(pk=spec["id"])
        domain = f"www.{advertiser.name.lower().replace(' ', '-')}.example"
        site, _ = Site.objects.get_or_create(advertiser=advertiser, domain=domain, defaults={"name": advertiser.name})
        credentials["intel_sites"].append({"advertiser": advertiser.name, "domain": site.domain, "site_key": site.key})
        persons = [
            Person.objects.update_or_create(
                advertiser=advertiser,
                email=email,
                defaults={"name": name, "position": position, "company": companies[company]},
            )[0]
            for name, email, position, company in PERSONS
        ]
        _seed_sessions(site, companies, persons)
        _seed_network_only_sessions(site)
        _seed_scores_and_alerts(site, companies[0])


def _seed_scores_and_alerts(site: Site, watched: Company) -> None:
    """A page rule and two watch rules per site, and the sessions counted as recording counts them: the
    companies list then shows scores, and today's alerts (once a day per rule and company) are raised."""
    PageWeightRule.objects.get_or_create(
        advertiser=site.advertiser, site=site, pattern="/pricing*", defaults={"weight": 5}
    )
    WatchRule.objects.get_or_create(
        advertiser=site.advertiser, name="Pricing page visits", defaults={"path_pattern": "/pricing*"}
    )
    target, _ = WatchRule.objects.get_or_create(advertiser=site.advertiser, name="Target accounts")
    target.companies.add(watched)
    with transaction.atomic():
        counted = scores.count_sessions(list(VisitSession.objects.filter(site=site).values_list("pk", flat=True)))
        alerts.match_sessions(counted.sessions, counted.urls, counted.rows)


def seed_network_sample() -> None:
    """Import the generated sample, unless network data was imported already (a real data set stays)."""
    if NetworkDataset.objects.exists():
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / NETWORK_SAMPLE_NAME
        path.write_text("".join("\t".join(map(str, row)) + "\n" for row in NETWORK_SAMPLE), encoding="utf-8")
        import_network_data(path, NetworkDataset.Format.IPTOASN)


def landing_utm(n: int) -> dict[str, str]:
    return {"utm_source": "newsletter", "utm_medium": "email", "utm_campaign": f"demo-{n % 2}"}


def _seed_sessions(site: Site, companies: list[Company], persons: list[Person]) -> None:
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(days=SESSIONS_PER_SITE)
    for n in range(SESSIONS_PER_SITE):
        company = companies[n % len(companies)]
        person = next((p for p in persons if p.company_id == company.pk), None) if n % 3 == 0 else None
        started = start + timedelta(days=n, hours=n % 7)
        pages = PAGES[: 1 + n % len(PAGES)]
        landing = f"https://{site.domain}/?utm_source=newsletter&utm_medium=email&utm_campaign=demo-{n % 2}"
        session, _ = VisitSession.objects.update_or_create(
            site=site,
            session_key=f"demo-session-{n:04d}",
            defaults={
                "advertiser": site.advertiser,
                "visitor_id": f"demo-visitor-{n % 5:04d}",
                "ip_address": f"198.51.100.{(n * 37) % 250 + 1}",
                "company": company,
                "person": person,
                "landing_url": landing,
                "referrer": "https://search.example/",
                **landing_utm(n),
                "started_at": started,
                "ended_at": started + timedelta(seconds=45 * len(pages)),
                "page_count": len(pages),
                "duration": 45 * len(pages),
                "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Demo",
                **network_fields(network_of(f"198.51.100.{(n * 37) % 250 + 1}")),
            },
        )
        for i, (path, title) in enumerate(pages):
            VisitAction.objects.update_or_create(
                session=session,
                client_id=f"demo-page-{i:04d}",
                defaults={
                    "type": VisitAction.Type.PAGE,
                    "url": landing if i == 0 else f"https://{site.domain}{path}",
                    "title": title,
                    "occurred_at": started + timedelta(seconds=45 * i),
                    "time_on_page": 40,
                    "referrer": "https://search.example/" if i == 0 else f"https://{site.domain}/",
                    **(landing_utm(n) if i == 0 else {}),
                },
            )
        if person is not None:
            VisitAction.objects.update_or_create(
                session=session,
                client_id="demo-identify-0001",
                defaults={
                    "type": VisitAction.Type.IDENTIFY,
                    "email": person.email,
                    "name": person.name,
                    "occurred_at": started + timedelta(seconds=45 * len(pages) - 5),
                },
            )


def _seed_network_only_sessions(site: Site) -> None:
    started = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=3)
    for n, (session_key, ip) in enumerate(NETWORK_ONLY_SESSIONS):
        session, _ = VisitSession.objects.update_or_create(
            site=site,
            session_key=session_key,
            defaults={
                "advertiser": site.advertiser,
                "visitor_id": f"demo-visitor-net-{n:04d}",
                "ip_address": ip,
                "company": None,
                "landing_url": f"https://{site.domain}/pricing",
                "started_at": started + timedelta(minutes=10 * n),
                "ended_at": started + timedelta(minutes=10 * n, seconds=30),
                "page_count": 1,
                "duration": 30,
                "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Demo",
                **network_fields(network_of(ip)),
            },
        )
        VisitAction.objects.update_or_create(
            session=session,
            client_id="demo-page-0000",
            defaults={
                "type": VisitAction.Type.PAGE,
                "url": f"https://{site.domain}/pricing",
                "title": "Pricing",
                "occurred_at": started + timedelta(minutes=10 * n),
                "time_on_page": 30,
            },
        )
