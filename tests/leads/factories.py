"""Factories of the social lead-generation tests."""

import factory
from factory.django import DjangoModelFactory

from leads.models import ConnectorCredential, ContentItem, JobDispatch, Lead, ScrapeJob, Target
from tests.factories import AdvertiserFactory


class TargetFactory(DjangoModelFactory):
    class Meta:
        model = Target

    advertiser = factory.SubFactory(AdvertiserFactory)
    identifier = factory.Sequence(lambda n: f"account{n}")
    target_type = Target.Type.FOLLOWERS
    platform = "instagram"


class JobFactory(DjangoModelFactory):
    class Meta:
        model = ScrapeJob
        skip_postgeneration_save = True

    advertiser = factory.SubFactory(AdvertiserFactory)
    name = factory.Sequence(lambda n: f"Job {n}")
    kind = ScrapeJob.Kind.FOLLOWERS
    platform = "instagram"

    @factory.post_generation
    def dispatch(obj, create, extracted, **kwargs):
        if create:
            JobDispatch.objects.get_or_create(job=obj)


class GroupTaskFactory(JobFactory):
    kind = ScrapeJob.Kind.GROUP_POSTS
    platform = "facebook"
    group_id = factory.Sequence(lambda n: f"{100000 + n}")
    group_name = "A group"
    max_posts = 50


class LeadFactory(DjangoModelFactory):
    class Meta:
        model = Lead

    advertiser = factory.SubFactory(AdvertiserFactory)
    platform = "instagram"
    username = factory.Sequence(lambda n: f"lead{n}")
    full_name = "Some One"
    followers = 1000
    source_type = Target.Type.HASHTAG


class ContentItemFactory(DjangoModelFactory):
    class Meta:
        model = ContentItem

    advertiser = factory.SubFactory(AdvertiserFactory)
    platform = "instagram"
    post_id = factory.Sequence(lambda n: f"post{n}")
    username = "someone"
    likes_count = 5000
    comments_count = 200
    views_count = 10000


class ConnectorCredentialFactory(DjangoModelFactory):
    class Meta:
        model = ConnectorCredential

    advertiser = factory.SubFactory(AdvertiserFactory)
    name = factory.Sequence(lambda n: f"sandbox {n}")
    provider = ConnectorCredential.Provider.SANDBOX
