"""The campaign admin form: hashtags typed as tags, networks ticked, the description sanitised, and who may save it."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from campaigns.admin_forms import CampaignAdminForm
from campaigns.hashtags import MAX_HASHTAGS, parse_hashtags
from campaigns.models import Campaign

from ..factories import MembershipFactory
from .factories import CampaignFactory

pytestmark = pytest.mark.django_db


def form_data(campaign: Campaign, **fields) -> dict:
    """The campaign's change form as the admin page would post it; `fields` override."""
    return {
        "advertiser": campaign.advertiser_id,
        "name": campaign.name,
        "type": campaign.type,
        "tagline": campaign.tagline,
        "description": campaign.description,
        "hashtags": ", ".join(campaign.hashtags),
        "networks": campaign.networks,
        "currency": "USD",
        "task_type": "post",
        "task_time": 24,
        "task_time_unit": "hours",
        "minimum_reward": "0",
        "post_rate": "0",
        "promo_reach_bonus": "0",
        "promo_engagement_rate_bonus": "0",
        "promo_best_post_bonus": "0",
        "reach_bonus_threshold": 0,
        "engagement_rate_bonus_threshold": "0",
        **fields,
    }


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- parsing --------------------------------------------------------------------------------------------
def test_hashtags_typed_with_commas_become_the_normalised_list():
    assert parse_hashtags(" summerstyle, #AcmeOutdoor,, summerStyle ") == ["#summerstyle", "#AcmeOutdoor"]


def test_a_hashtag_with_a_space_is_refused_by_name():
    with pytest.raises(ValidationError) as refused:
        parse_hashtags("summer style, #ok")
    assert refused.value.messages == [
        "“summer style” is not a hashtag: use letters, digits and underscores only, no spaces."
    ]


def test_too_many_hashtags_are_refused():
    with pytest.raises(ValidationError, match=f"At most {MAX_HASHTAGS} hashtags"):
        parse_hashtags(", ".join(f"tag{n}" for n in range(MAX_HASHTAGS + 1)))


# --- the form -------------------------------------------------------------------------------------------
def test_valid_form_saves_lists_and_sanitised_html():
    campaign = CampaignFactory()
    form = CampaignAdminForm(
        form_data(
            campaign,
            hashtags="summerstyle, #acmeoutdoor",
            networks=["instagram", "tiktok"],
            description='<h2>Hi</h2><p onclick="x()">Go <a href="javascript:alert(1)">there</a></p><script>x()</script>',
        ),
        instance=campaign,
    )
    assert form.is_valid(), form.errors
    form.save()
    campaign.refresh_from_db()
    assert (campaign.hashtags, campaign.networks) == (["#summerstyle", "#acmeoutdoor"], ["instagram", "tiktok"])
    assert campaign.description == '<h2>Hi</h2><p>Go <a rel="noopener noreferrer nofollow">there</a></p>'


def test_a_bad_hashtag_is_an_error_on_the_hashtags_field_and_nothing_is_saved():
    campaign = CampaignFactory(hashtags=["#before"])
    form = CampaignAdminForm(form_data(campaign, hashtags="ok, not ok"), instance=campaign)
    assert not form.is_valid()
    assert list(form.errors) == ["hashtags"]
    campaign.refresh_from_db()
    assert campaign.hashtags == ["#before"]


def test_an_unknown_network_is_an_error_on_the_networks_field():
    campaign = CampaignFactory()
    form = CampaignAdminForm(form_data(campaign, networks=["instagram", "myspace"]), instance=campaign)
    assert not form.is_valid()
    assert list(form.errors) == ["networks"]


# --- through admin --------------------------------------------------------------------------------------
def test_owner_saves_tags_and_networks_through_the_change_form(owner):
    campaign = CampaignFactory(advertiser=owner.advertiser, hashtags=[], networks=[])
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    response = logged_in(owner.user).post(
        url, form_data(campaign, hashtags="#summerstyle, acmeoutdoor", networks=["instagram", "youtube"])
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    campaign.refresh_from_db()
    assert (campaign.hashtags, campaign.networks) == (["#summerstyle", "#acmeoutdoor"], ["instagram", "youtube"])


def test_a_bad_hashtag_is_shown_next_to_the_field(owner):
    campaign = CampaignFactory(advertiser=owner.advertiser)
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    response = logged_in(owner.user).post(url, form_data(campaign, hashtags="fine, not-fine"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["hashtags"] == ["“not-fine” is not a hashtag: use letters, digits and underscores only, no spaces."]


def test_viewer_cannot_save_the_change_form(advertiser):
    viewer = MembershipFactory(advertiser=advertiser, role=Membership.Role.VIEWER).user
    campaign = CampaignFactory(advertiser=advertiser, hashtags=["#before"], networks=["facebook"])
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    response = logged_in(viewer).post(url, form_data(campaign, hashtags="#after", networks=["tiktok"]))
    assert response.status_code == 403
    campaign.refresh_from_db()
    assert (campaign.hashtags, campaign.networks) == (["#before"], ["facebook"])


def test_change_page_shows_widgets_and_the_sanitised_preview(owner):
    campaign = CampaignFactory(advertiser=owner.advertiser, hashtags=["#summer", "#acme"], networks=["instagram"])
    Campaign.objects.filter(pk=campaign.pk).update(
        description="<p>Hello<script>alert(1)</script></p>"
    )  # unsanitised row
    page = logged_in(owner.user).get(reverse("admin:campaigns_campaign_change", args=[campaign.pk])).content.decode()
    assert 'value="#summer, #acme"' in page and "data-tag-input" in page
    assert 'type="checkbox" name="networks" value="instagram"' in page and "checked" in page
    assert '<div class="rich-text-preview" id="id_description_preview" aria-live="polite"><p>Hello</p></div>' in page
    assert "widgets/rich-text.js" in page and "widgets/tag-input.js" in page


def test_an_end_before_the_start_is_refused_in_plain_words(owner):
    campaign = CampaignFactory(advertiser=owner.advertiser)
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    dates = {"date_start_0": "2026-06-10", "date_start_1": "00:00", "date_end_0": "2026-06-01", "date_end_1": "00:00"}
    response = logged_in(owner.user).post(url, form_data(campaign, **dates))
    assert response.context["adminform"].form.non_field_errors() == [
        "The campaign cannot end before it starts: choose an end date on or after the start date."
    ]
