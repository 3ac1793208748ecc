"""Admin forms of the leads app: typed fields in, the API's structures out, and each refusal on its own field."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from leads.admin_forms import ConnectorCredentialForm, SocialJobForm, WebJobForm
from leads.engine.spec import parse_config
from leads.models import ConnectorCredential, ScrapeJob, WebJob

from ..factories import MembershipFactory
from .factories import ConnectorCredentialFactory, JobFactory, TargetFactory

pytestmark = pytest.mark.django_db

START = "http://127.0.0.1:9/shop"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def selector_rows(*rows: tuple[str, str, str]) -> dict:
    data = {"selectors-rows": len(rows)}
    for index, (name, selector, attribute) in enumerate(rows):
        data |= {
            f"selectors-{index}-name": name,
            f"selectors-{index}-selector": selector,
            f"selectors-{index}-attribute": attribute,
        }
    return data


def web_job_data(**fields) -> dict:
    return {
        "name": "Shop",
        "url": START,
        "engine": "auto",
        "priority": 0,
        "config_respect_robots": "on",
        "config_use_proxies": "on",
        **selector_rows(),
        **fields,
    }


# --- web jobs: selectors ----------------------------------------------------------------------------------
def test_selector_rows_become_the_selectors_object():
    rows = selector_rows(
        ("title", "h1.product::text", ""), ("link", "a.more", "href"), ("img", "//img", "src"), ("", "", "")
    )
    form = WebJobForm(web_job_data(**rows))
    assert form.is_valid(), form.errors
    job = form.save(commit=False)
    assert job.selectors == {"title": "h1.product::text", "link": "a.more::attr(href)", "img": "//img/@src"}


def test_a_bad_selector_is_refused_on_its_row():
    form = WebJobForm(web_job_data(**selector_rows(("title", "h1::text", ""), ("price", "span[[", ""))))
    assert not form.is_valid()
    assert form.errors["selectors"] == ["Row 2: price: not a valid CSS or XPath selector (SelectorSyntaxError)."]


def test_the_bad_rows_message_is_rendered_beside_that_row():
    form = WebJobForm(web_job_data(**selector_rows(("title", "h1::text", ""), ("price", "span[[", ""))))
    html = str(form["selectors"])
    second_row = html.index('name="selectors-1-name"')
    message = html.index("price: not a valid CSS or XPath selector")
    assert second_row < message < html.index('name="selectors-2-name"')


def test_two_rows_with_one_name_are_refused():
    form = WebJobForm(web_job_data(**selector_rows(("title", "h1", ""), ("title", "h2", ""))))
    assert not form.is_valid()
    assert form.errors["selectors"] == ["Row 2: “title” is used twice; names must differ."]


def test_stored_selectors_are_shown_as_rows():
    job = WebJob(selectors={"link": "a.more::attr(href)"})
    html = str(WebJobForm(instance=job)["selectors"])
    assert 'name="selectors-0-selector" id="id_selectors-0-selector" value="a.more"' in html
    assert 'name="selectors-0-attribute" id="id_selectors-0-attribute" value="href"' in html


# --- web jobs: crawl settings -------------------------------------------------------------------------------
def test_typed_crawl_settings_are_stored_as_the_validated_config():
    form = WebJobForm(web_job_data(config_max_pages="3", config_follow_links="on", config_delay="1.5"))
    assert form.is_valid(), form.errors
    job = form.save(commit=False)
    assert job.config == parse_config({"max_pages": 3, "follow_links": True, "delay": 1.5})


def test_an_out_of_range_setting_is_refused_on_its_field_and_nothing_is_saved(owner):
    response = logged_in(owner.user).post(reverse("admin:leads_webjob_add"), web_job_data(config_max_depth="99"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"config_max_depth": ["Must be between 0 and 50."]}
    assert not ScrapeJob.objects.filter(kind=ScrapeJob.Kind.WEB).exists()


def test_owner_adds_a_web_job_with_rows_and_settings(owner):
    data = web_job_data(config_max_pages="2", **selector_rows(("price", "span.price::text", "")))
    response = logged_in(owner.user).post(reverse("admin:leads_webjob_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    job = WebJob.objects.get()
    assert (job.selectors, job.config["max_pages"], job.advertiser) == (
        {"price": "span.price::text"},
        2,
        owner.advertiser,
    )


def test_priority_is_chosen_by_name():
    form = WebJobForm(web_job_data(priority="1"))
    assert form.is_valid(), form.errors
    assert form.save(commit=False).priority == 1
    assert 'value="-1">Low</option>' in str(form["priority"])


# --- social jobs: filters -----------------------------------------------------------------------------------
def social_job_data(advertiser, **fields) -> dict:
    target = TargetFactory(advertiser=advertiser)
    return {
        "advertiser": advertiser.pk,
        "name": "Nightly",
        "kind": "followers",
        "platform": "instagram",
        "targets": [target.pk],
        "speed_mode": "normal",
        "priority": 0,
        **fields,
    }


def test_filter_fields_are_stored_as_the_apis_filters(advertiser):
    form = SocialJobForm(
        social_job_data(
            advertiser,
            filter_min_followers="500",
            filter_has_email="on",
            filter_verified="true",
            filter_business="unknown",
            filter_bio_keywords="coach, fitness",
        )
    )
    assert form.is_valid(), form.errors
    job = form.save()
    job.refresh_from_db()
    assert job.filters == {
        "min_followers": 500,
        "has_email": True,
        "verified": True,
        "bio_keywords": ["coach", "fitness"],
    }


def test_no_means_the_opposite_of_yes_and_any_is_no_filter(advertiser):
    form = SocialJobForm(social_job_data(advertiser, filter_verified="false", filter_business="unknown"))
    assert form.is_valid(), form.errors
    assert form.save().filters == {"verified": False}


def test_a_minimum_above_the_maximum_is_refused_on_the_maximum(advertiser):
    form = SocialJobForm(social_job_data(advertiser, filter_min_followers="900", filter_max_followers="100"))
    assert not form.is_valid()
    assert form.errors == {"filter_max_followers": ["Must be at least min_followers."]}


def test_stored_filters_fill_the_fields(advertiser):
    job = JobFactory(advertiser=advertiser, filters={"max_followers": 10_000, "business": False})
    form = SocialJobForm(instance=job)
    assert (form["filter_max_followers"].value(), form["filter_business"].value()) == (10_000, False)


# --- connector credentials ----------------------------------------------------------------------------------
def credential_data(advertiser, **fields) -> dict:
    return {
        "advertiser": advertiser.pk,
        "name": "Apify",
        "provider": "hosted_scraper",
        "platform": "instagram",
        "hashtag_quota": 30,
        "active": "on",
        "secret": "apify_api_token",
        **fields,
    }


def test_actor_fields_are_stored_as_the_actors_mapping(advertiser):
    form = ConnectorCredentialForm(
        credential_data(
            advertiser,
            actor_followers_id="someone~followers",
            actor_followers_field_followers="stats.followers",
            actor_hashtag_id="someone~hashtag-task",
            actor_hashtag_task="on",
            actor_hashtag_input='{"tags": ["{identifier}"]}',
        )
    )
    assert form.is_valid(), form.errors
    credential = form.save()
    credential.refresh_from_db()
    assert credential.actors == {
        "followers": {"actor_id": "someone~followers", "fields": {"followers": "stats.followers"}},
        "hashtag": {"actor_id": "someone~hashtag-task", "task": True, "input": {"tags": ["{identifier}"]}},
    }


def test_actor_settings_without_an_actor_id_are_refused_on_the_id(advertiser):
    form = ConnectorCredentialForm(credential_data(advertiser, actor_likers_field_username="owner.name"))
    assert not form.is_valid()
    assert form.errors == {"actor_likers_id": ["Give the actor id, or clear this job kind's other settings."]}


def test_stored_actors_fill_the_fields(advertiser):
    credential = ConnectorCredentialFactory(
        advertiser=advertiser, actors={"group_posts": {"actor_id": "a~groups", "fields": {"text": "message"}}}
    )
    form = ConnectorCredentialForm(instance=credential)
    assert (form["actor_group_posts_id"].value(), form["actor_group_posts_field_text"].value()) == (
        "a~groups",
        "message",
    )


def test_a_field_without_a_default_can_be_mapped_and_an_unknown_stored_one_is_kept(advertiser):
    credential = ConnectorCredentialFactory(
        advertiser=advertiser,
        provider=ConnectorCredential.Provider.HOSTED_SCRAPER,
        actors={"hashtag": {"actor_id": "a~tags", "fields": {"legacy": "old.path"}}},
    )
    data = credential_data(
        advertiser,
        name=credential.name,
        actor_hashtag_id="a~tags",
        actor_hashtag_field_author_followers="owner.followersCount",
    )
    form = ConnectorCredentialForm(data, instance=credential)
    assert form.is_valid(), form.errors
    assert form.save().actors["hashtag"]["fields"] == {"legacy": "old.path", "author_followers": "owner.followersCount"}


def test_the_credential_page_names_each_secret(owner):
    credential = ConnectorCredentialFactory(
        advertiser=owner.advertiser, provider=ConnectorCredential.Provider.HOSTED_SCRAPER
    )
    page = (
        logged_in(owner.user)
        .get(reverse("admin:leads_connectorcredential_change", args=[credential.pk]))
        .content.decode()
    )
    assert ">Secret:<" not in page
    assert all(label in page for label in ("Access token or API token:", "Meta app secret:", "Stored token:"))


# --- viewers ------------------------------------------------------------------------------------------------
def test_a_viewer_sees_the_stored_filters_and_cannot_change_them(advertiser):
    viewer = logged_in(MembershipFactory(advertiser=advertiser, role=Membership.Role.VIEWER).user)
    job = JobFactory(advertiser=advertiser, filters={"min_followers": 1234})
    url = reverse("admin:leads_socialjob_change", args=[job.pk])
    page = viewer.get(url).content.decode()
    assert "min_followers" in page and "1234" in page and 'name="filter_min_followers"' not in page
    assert viewer.post(url, social_job_data(advertiser, filter_min_followers="1")).status_code == 403
    job.refresh_from_db()
    assert job.filters == {"min_followers": 1234}


@pytest.mark.parametrize("name", ["webjob", "connectorcredential"])
def test_a_viewer_opens_the_other_structured_pages(advertiser, name):
    viewer = logged_in(MembershipFactory(advertiser=advertiser, role=Membership.Role.VIEWER).user)
    row = (
        WebJob.objects.create(
            advertiser=advertiser, kind=ScrapeJob.Kind.WEB, platform="web", url=START, config={"max_pages": 7}
        )
        if name == "webjob"
        else ConnectorCredentialFactory(advertiser=advertiser, actors={"likers": {"actor_id": "a~likers"}})
    )
    page = viewer.get(reverse(f"admin:leads_{name}_change", args=[row.pk])).content.decode()
    assert ("max_pages" if name == "webjob" else "a~likers") in page
