"""Another tenant's id in a request body is answered exactly like an id that does not exist.

Each surface creates rows for an advertiser (`advertiser_for_new_row`) or resolves ids through
the caller's scope; sending another advertiser's id must neither create anything nor reveal
that the id exists: the status and the body equal those for a missing id.
"""

import pytest

from accounts.models import Advertiser
from campaigns.models import Campaign
from leads.intel.models import BlacklistEntry, SavedFilter
from leads.models import ScrapeJob, Target

from ..campaigns.factories import CampaignFactory
from ..leads_factories import TargetFactory

pytestmark = pytest.mark.django_db

WEB_JOB = {
    "url": "https://shop.example/products",
    "engine": "auto",
    "priority": "normal",
    "selectors": {},
    "config": {},
}

# (surface, path, body without the advertiser, model that must stay empty)
CREATES = [
    ("v1 target", "/api/v1/targets", {"identifier": "x", "target_type": "hashtag"}, Target),
    ("social task", "/api/social/tasks", {"group_id": "123456789", "max_posts": 10}, ScrapeJob),
    ("web job", "/api/web/v1/jobs", WEB_JOB, ScrapeJob),
    ("intel saved filter", "/api/intel/v1/saved-filters/", {"name": "x", "filters": {}}, SavedFilter),
    ("intel blacklist", "/api/intel/v1/blacklist/", {"domain": "a.example"}, BlacklistEntry),
]


def missing_advertiser_id() -> int:
    return (Advertiser.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def answer(response):
    return response.status_code, response.json()


@pytest.mark.parametrize(("surface", "path", "body", "model"), CREATES, ids=[row[0] for row in CREATES])
def test_a_foreign_advertiser_id_is_answered_like_a_missing_one(surface, path, body, model, owner, outsider):
    client = owner.client()
    foreign = client.post(path, {**body, "advertiser_id": outsider.advertiser.pk}, format="json")
    missing = client.post(path, {**body, "advertiser_id": missing_advertiser_id()}, format="json")
    assert answer(foreign) == answer(missing) and foreign.status_code == 404
    assert not model.objects.exists()


@pytest.mark.parametrize(("surface", "path", "body", "model"), CREATES, ids=[row[0] for row in CREATES])
def test_the_platform_naming_a_missing_advertiser_gets_404(surface, path, body, model, staff):
    response = staff.client().post(path, {**body, "advertiser_id": missing_advertiser_id()}, format="json")
    assert response.status_code == 404
    assert not model.objects.exists()


def test_campaign_backend_foreign_advertiser_is_answered_like_a_missing_one(owner, outsider):
    client = owner.client()
    foreign = client.post("/api/advertiser/maximum-limit/", {"advertiser_id": outsider.advertiser.pk})
    missing = client.post("/api/advertiser/maximum-limit/", {"advertiser_id": missing_advertiser_id()})
    assert answer(foreign) == answer(missing) and foreign.status_code == 404


def test_campaign_backend_foreign_campaign_is_answered_like_a_missing_one(owner, outsider):
    theirs = CampaignFactory(advertiser=outsider.advertiser)
    client = owner.client()
    foreign = client.post("/api/campaign/status/", {"campaign_id": theirs.pk, "status": "paused"})
    missing = client.post("/api/campaign/status/", {"campaign_id": theirs.pk + 1000, "status": "paused"})
    assert answer(foreign) == answer(missing) and foreign.status_code == 404
    assert Campaign.objects.get(pk=theirs.pk).status == theirs.status


def test_v1_foreign_target_in_a_job_is_answered_like_a_missing_one(owner, outsider):
    theirs = TargetFactory(advertiser=outsider.advertiser)
    client = owner.client()
    foreign = client.post("/api/v1/jobs", {"job_type": "followers", "target_ids": [theirs.pk]}, format="json")
    missing = client.post("/api/v1/jobs", {"job_type": "followers", "target_ids": [theirs.pk + 1000]}, format="json")
    assert answer(foreign) == answer(missing) and foreign.status_code == 404
    assert not ScrapeJob.objects.exists()
