"""Factories for campaigns, tasks and payments."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from campaigns.models import Campaign, Category, City, Country, ExchangeRate, Invoice
from tasks.models import Payment, Submission, Task

from ..factories import AdvertiserFactory, PublisherFactory


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class CountryFactory(DjangoModelFactory):
    class Meta:
        model = Country

    name = factory.Sequence(lambda n: f"Country {n}")
    code = factory.Sequence(lambda n: f"{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")
    currency_code = "USD"


class CityFactory(DjangoModelFactory):
    class Meta:
        model = City

    country = factory.SubFactory(CountryFactory)
    name = factory.Sequence(lambda n: f"City {n}")


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign

    advertiser = factory.SubFactory(AdvertiserFactory)
    type = Campaign.Type.INFLUENCER
    name = factory.Sequence(lambda n: f"Campaign {n}")
    tagline = "Show off your summer style"
    description = "<p>Promote our latest summer collection</p>"
    hashtags = factory.LazyFunction(lambda: ["#summer", "#fashion"])
    networks = factory.LazyFunction(lambda: ["instagram", "facebook"])
    currency = "USD"
    status = Campaign.Status.ACTIVE
    date_start = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    date_end = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    task_title = "Create Instagram Post"
    task_description = "Post about our summer collection"
    task_requirements = "Include hashtags and tag our brand"
    task_time = 72
    minimum_reward = Decimal("25.00")
    post_rate = Decimal("30.00")
    bonus_active = True
    promo_reach_bonus = Decimal("50.00")
    promo_engagement_rate_bonus = Decimal("25.00")
    promo_best_post_bonus = Decimal("100.00")
    reach_bonus_threshold = 1000
    engagement_rate_bonus_threshold = Decimal("5.00")
    tasks_featured = True
    tasks_leaderboard = True


class TaskFactory(DjangoModelFactory):
    class Meta:
        model = Task

    campaign = factory.SubFactory(CampaignFactory)
    publisher = factory.SubFactory(PublisherFactory)
    type = "post"
    title = "Create Instagram Post"
    description = "Post about our summer collection"
    requirements = "Include hashtags and tag our brand"
    networks = factory.LazyFunction(lambda: ["instagram"])
    status = Task.Status.PENDING
    deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=72))


class SubmissionFactory(DjangoModelFactory):
    class Meta:
        model = Submission

    task = factory.SubFactory(TaskFactory, status=Task.Status.UNDER_REVIEW)
    post_url = "https://instagram.com/p/example"


class PaymentFactory(DjangoModelFactory):
    class Meta:
        model = Payment

    task = factory.SubFactory(TaskFactory, status=Task.Status.PAID)
    advertiser = factory.LazyAttribute(lambda o: o.task.campaign.advertiser)
    publisher = factory.LazyAttribute(lambda o: o.task.publisher)
    minimum = Decimal("25.00")
    post = Decimal("30.00")
    total = Decimal("55.00")
    currency = "USD"
    charged = Decimal("55.00")
    charged_currency = "USD"


class InvoiceFactory(DjangoModelFactory):
    class Meta:
        model = Invoice

    advertiser = factory.SubFactory(AdvertiserFactory)
    number = factory.Sequence(lambda n: f"INV-{n:05d}")
    amount = Decimal("500.00")
    currency = "USD"
    status = Invoice.Status.PAID


class ExchangeRateFactory(DjangoModelFactory):
    class Meta:
        model = ExchangeRate

    base = "EUR"
    quote = "USD"
    rate = Decimal("1.10000000")
