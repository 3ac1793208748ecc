"""Factories of the web-scraper tests."""

import factory
from factory.django import DjangoModelFactory

from leads.models import Platform, ScrapeJob, Webhook, WebResult
from leads.webhooks import generate_secret
from tests.factories import AdvertiserFactory


class WebJobFactory(DjangoModelFactory):
    class Meta:
        model = ScrapeJob

    advertiser = factory.SubFactory(AdvertiserFactory)
    kind = ScrapeJob.Kind.WEB
    platform = Platform.WEB
    url = factory.Sequence(lambda n: f"https://shop{n}.example/products")
    engine = ScrapeJob.Engine.HTTP
    selectors = factory.LazyFunction(lambda: {"title": "h1::text"})
    config = factory.LazyFunction(lambda: {"max_pages": 10, "follow_links": False})


class WebResultFactory(DjangoModelFactory):
    class Meta:
        model = WebResult

    job = factory.SubFactory(WebJobFactory)
    url = factory.Sequence(lambda n: f"https://shop.example/p/{n}")
    data = factory.Sequence(lambda n: {"title": f"Product {n}", "price": f"${n}.99"})


class WebhookFactory(DjangoModelFactory):
    class Meta:
        model = Webhook

    advertiser = factory.SubFactory(AdvertiserFactory)
    url = "https://hooks.example/receive"
    events = factory.LazyFunction(lambda: ["job.completed", "job.failed"])
    secret = factory.LazyFunction(generate_secret)
