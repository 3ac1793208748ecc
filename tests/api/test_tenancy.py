"""Tenant scoping through the one scoping method: foreign rows are 404, never listed."""

import pytest

from leadplatform.api.views import TenantViewSet

from ..leads_factories import TargetFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("plumbing_urls")]

LIST = "/api/v1/plumbing/targets"


def test_list_shows_only_the_callers_rows(owner, outsider):
    mine = TargetFactory(advertiser=owner.advertiser)
    TargetFactory(advertiser=outsider.advertiser)
    ids = [row["id"] for row in owner.client().get(LIST).json()["data"]]
    assert ids == [mine.pk]


def test_another_tenants_row_is_404_like_a_missing_one(owner, outsider):
    theirs = TargetFactory(advertiser=outsider.advertiser)
    foreign = owner.client().get(f"{LIST}/{theirs.pk}")
    missing = owner.client().get(f"{LIST}/{theirs.pk + 1000}")
    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())
    assert foreign.status_code == 404


def test_member_sees_the_advertisers_rows(owner, member):
    row = TargetFactory(advertiser=owner.advertiser)
    assert member.client().get(f"{LIST}/{row.pk}").status_code == 200


def test_platform_sees_every_tenant(staff, owner, outsider):
    TargetFactory(advertiser=owner.advertiser)
    TargetFactory(advertiser=outsider.advertiser)
    assert staff.client().get(LIST).json()["pagination"]["total"] == 2


def test_list_query_count_does_not_grow_with_rows(owner, django_assert_max_num_queries):
    TargetFactory.create_batch(2, advertiser=owner.advertiser)
    client = owner.client()
    with django_assert_max_num_queries(6):
        client.get(LIST)
    TargetFactory.create_batch(20, advertiser=owner.advertiser)
    with django_assert_max_num_queries(6):
        assert len(client.get(f"{LIST}?per_page=50").json()["data"]) == 22


def test_a_view_cannot_override_the_scoped_queryset():
    with pytest.raises(TypeError):
        type("Leaky", (TenantViewSet,), {"get_queryset": lambda self: None})
