"""Demo data for lead intelligence: turnovers, magnitudes, companies with IP ranges, a site per demo
advertiser, persons, and sessions with their actions. Idempotent: everything found by natural keys."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import Advertiser

from .models import Company, IpRange, Magnitude, Person, Site, Turnover, VisitAction, VisitSession

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
