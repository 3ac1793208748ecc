"""factory_boy factories for lead intelligence."""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from leads.intel.models import (
    BlacklistEntry,
    Company,
    CompanyAlert,
    IpRange,
    Magnitude,
    Person,
    SavedFilter,
    Site,
    Turnover,
    VisitAction,
    VisitSession,
    WatchRule,
)

from ..factories import AdvertiserFactory, UserFactory


class TurnoverFactory(DjangoModelFactory):
    class Meta:
        model = Turnover

    name = factory.Sequence(lambda n: f"Turnover band {n}")
    min_amount = 1_000_000
    max_amount = 10_000_000


class MagnitudeFactory(DjangoModelFactory):
    class Meta:
        model = Magnitude

    name = factory.Sequence(lambda n: f"Headcount band {n}")
    min_employees = 10
    max_employees = 49


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n} s.r.o.")
    registration_id = factory.Sequence(lambda n: f"CZ{n:08d}")
    domain = factory.Sequence(lambda n: f"company{n}.example")
    address = "Main street 1, Prague"
    country = "CZ"
    industry = "Manufacturing"
    turnover = factory.SubFactory(TurnoverFactory)
    magnitude = factory.SubFactory(MagnitudeFactory)


class IpRangeFactory(DjangoModelFactory):
    class Meta:
        model = IpRange

    cidr = factory.Sequence(lambda n: f"10.{n % 250}.{n // 250 % 250}.0/24")
    company = factory.SubFactory(CompanyFactory)


class SiteFactory(DjangoModelFactory):
    class Meta:
        model = Site

    advertiser = factory.SubFactory(AdvertiserFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    domain = "shop.example"


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    advertiser = factory.SubFactory(AdvertiserFactory)
    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@company.example")
    position = "Buyer"
    company = None


class VisitSessionFactory(DjangoModelFactory):
    class Meta:
        model = VisitSession

    site = factory.SubFactory(SiteFactory)
    advertiser = factory.SelfAttribute("site.advertiser")
    session_key = factory.Sequence(lambda n: f"session-{n:08d}")
    visitor_id = factory.Sequence(lambda n: f"visitor-{n:08d}")
    ip_address = "192.0.2.10"
    company = factory.SubFactory(CompanyFactory)
    landing_url = "https://shop.example/?utm_source=news"
    utm_source = "news"
    started_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    ended_at = factory.LazyFunction(timezone.now)
    page_count = 1


class VisitActionFactory(DjangoModelFactory):
    class Meta:
        model = VisitAction

    session = factory.SubFactory(VisitSessionFactory)
    client_id = factory.Sequence(lambda n: f"action-{n:08d}")
    type = VisitAction.Type.PAGE
    url = "https://shop.example/pricing"
    title = "Pricing"
    time_on_page = 12


class SavedFilterFactory(DjangoModelFactory):
    class Meta:
        model = SavedFilter

    advertiser = factory.SubFactory(AdvertiserFactory)
    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Filter {n}")
    filters = factory.LazyFunction(lambda: {"country": "CZ"})


class BlacklistEntryFactory(DjangoModelFactory):
    class Meta:
        model = BlacklistEntry

    advertiser = factory.SubFactory(AdvertiserFactory)
    domain = factory.Sequence(lambda n: f"blocked{n}.example")


class WatchRuleFactory(DjangoModelFactory):
    class Meta:
        model = WatchRule

    advertiser = factory.SubFactory(AdvertiserFactory)
    name = factory.Sequence(lambda n: f"Watch {n}")
    path_pattern = "/pricing*"


class CompanyAlertFactory(DjangoModelFactory):
    class Meta:
        model = CompanyAlert

    advertiser = factory.SubFactory(AdvertiserFactory)
    rule = factory.SubFactory(WatchRuleFactory, advertiser=factory.SelfAttribute("..advertiser"))
    company = factory.SubFactory(CompanyFactory)
    day = factory.LazyFunction(lambda: timezone.now().date())
    reason = "visited /pricing"
