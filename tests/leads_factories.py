"""Factories for the core scraping models (shared by the plumbing tests)."""

import factory
from factory.django import DjangoModelFactory

from leads.models import Target

from .factories import AdvertiserFactory


class TargetFactory(DjangoModelFactory):
    class Meta:
        model = Target

    advertiser = factory.SubFactory(AdvertiserFactory)
    identifier = factory.Sequence(lambda n: f"#tag{n}")
    target_type = Target.Type.HASHTAG
