"""The /api/intel/v1 resources: shapes, UTC times, filters, saved filters, blacklist, cursor pages,
throttles per resource type, tenant isolation and constant query counts."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from leads.intel.models import BlacklistEntry, SavedFilter

from ..factories import MembershipFactory, token_for
from .factories import (
    BlacklistEntryFactory,
    CompanyFactory,
    MagnitudeFactory,
    PersonFactory,
    SavedFilterFactory,
    TurnoverFactory,
    VisitActionFactory,
    VisitSessionFactory,
)

pytestmark = pytest.mark.django_db

BASE = "/api/intel/v1"


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(response):
    return [row["id"] for row in results(response)]


@pytest.fixture
def visit(site):
    """One session of the owner's advertiser with a page view and an identified person."""
    session = VisitSessionFactory(site=site)
    person = PersonFactory(advertiser=site.advertiser, company=session.company, email="ann@buyer.example")
    session.person = person
    session.save()
    VisitActionFactory(session=session)
    return session


@pytest.fixture
def foreign_visit(other_site):
    session = VisitSessionFactory(site=other_site)
    session.person = PersonFactory(advertiser=other_site.advertiser, company=session.company)
    session.save()
    return session


# ------------------------------------------------------------------------------
# Shapes
# ------------------------------------------------------------------------------
SESSION_FIELDS = {
    "id",
    "site",
    "visitor_id",
    "ip_address",
    "hostname",
    "user_agent",
    "company",
    "person",
    "landing_url",
    "referrer",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "started_at",
    "ended_at",
    "page_count",
    "duration",
    "actions",
}
ACTION_FIELDS = {
    "id",
    "type",
    "url",
    "title",
    "referrer",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "occurred_at",
    "time_on_page",
    "email",
    "name",
}
COMPANY_FIELDS = {
    "id",
    "name",
    "registration_id",
    "domain",
    "address",
    "country",
    "industry",
    "turnover",
    "magnitude",
    "score",
    "score_reasons",
}
PERSON_FIELDS = {"id", "name", "email", "position", "company", "first_seen_at", "last_seen_at"}


def test_list_envelope_is_cursor_style(owner, visit):
    body = owner.client().get(f"{BASE}/sessions/").json()
    assert set(body) == {"next", "previous", "results"}


def test_a_page_number_past_the_first_is_404_invalid_page(owner, visit):
    response = owner.client().get(f"{BASE}/sessions/", {"page": 999999})
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Invalid page.")


def test_page_one_is_the_first_cursor_page(owner, visit):
    assert ids(owner.client().get(f"{BASE}/sessions/", {"page": 1})) == [visit.pk]


def test_session_shape_with_utc_times(owner, visit):
    row = results(owner.client().get(f"{BASE}/sessions/"))[0]
    assert set(row) == SESSION_FIELDS
    assert set(row["company"]) == {"id", "name", "domain", "country"}
    assert row["person"] == {"id": visit.person.pk, "name": visit.person.name, "email": "ann@buyer.example"}
    assert set(row["actions"][0]) == ACTION_FIELDS
    for value in (row["started_at"], row["ended_at"], row["actions"][0]["occurred_at"]):
        assert value.endswith("Z"), value
    detail = owner.client().get(f"{BASE}/sessions/{visit.pk}/").json()
    assert detail == row


def test_company_shape(owner, visit):
    row = results(owner.client().get(f"{BASE}/companies/"))[0]
    assert set(row) == COMPANY_FIELDS
    assert set(row["turnover"]) == {"id", "name", "min_amount", "max_amount"}
    assert set(row["magnitude"]) == {"id", "name", "min_employees", "max_employees"}
    assert owner.client().get(f"{BASE}/companies/{visit.company_id}/").json() == row


def test_person_shape(owner, visit):
    row = results(owner.client().get(f"{BASE}/persons/"))[0]
    assert set(row) == PERSON_FIELDS
    assert row["company"] == visit.company_id
    assert row["first_seen_at"].endswith("Z")
    assert owner.client().get(f"{BASE}/persons/{visit.person_id}/").json() == row


def test_turnover_and_magnitude_shapes(owner):
    turnover, magnitude = TurnoverFactory(), MagnitudeFactory()
    assert results(owner.client().get(f"{BASE}/turnovers/")) == [
        {"id": turnover.pk, "name": turnover.name, "min_amount": 1_000_000, "max_amount": 10_000_000}
    ]
    assert results(owner.client().get(f"{BASE}/magnitudes/")) == [
        {"id": magnitude.pk, "name": magnitude.name, "min_employees": 10, "max_employees": 49}
    ]
    assert owner.client().get(f"{BASE}/turnovers/{turnover.pk}/").status_code == 200


def test_saved_filter_and_blacklist_shapes(owner):
    czech = {"name": "Czech", "filters": {"country": "CZ"}}
    saved = owner.client().post(f"{BASE}/saved-filters/", czech, format="json")
    assert saved.status_code == 201, saved.content
    assert set(saved.json()) == {"id", "advertiser", "name", "filters", "created_at", "updated_at"}
    assert saved.json()["created_at"].endswith("Z")
    entry = owner.client().post(f"{BASE}/blacklist/", {"domain": "Rival.Example"}, format="json")
    assert entry.status_code == 201, entry.content
    assert entry.json() == {
        "id": entry.json()["id"],
        "advertiser": owner.advertiser.pk,
        "company": None,
        "domain": "rival.example",
        "note": "",
        "created_at": entry.json()["created_at"],
    }


def test_root_lists_the_resources(owner):
    body = owner.client().get(f"{BASE}/").json()
    assert {"sessions", "companies", "persons", "saved-filters", "blacklist", "turnovers", "magnitudes"} <= set(body)


# ------------------------------------------------------------------------------
# Tenancy and authentication
# ------------------------------------------------------------------------------
def test_another_tenants_rows_are_404_and_never_listed(owner, visit, foreign_visit, outsider):
    foreign_saved = SavedFilterFactory(advertiser=outsider.advertiser, user=outsider.user)
    foreign_entry = BlacklistEntryFactory(advertiser=outsider.advertiser)
    client = owner.client()
    for resource, own, foreign in [
        ("sessions", visit.pk, foreign_visit.pk),
        ("companies", visit.company_id, foreign_visit.company_id),
        ("persons", visit.person_id, foreign_visit.person_id),
        ("saved-filters", None, foreign_saved.pk),
        ("blacklist", None, foreign_entry.pk),
    ]:
        assert foreign not in ids(client.get(f"{BASE}/{resource}/")), resource
        assert client.get(f"{BASE}/{resource}/{foreign}/").status_code == 404, resource
        if own is not None:
            assert client.get(f"{BASE}/{resource}/{own}/").status_code == 200, resource
    assert client.patch(f"{BASE}/saved-filters/{foreign_saved.pk}/", {"name": "mine"}, format="json").status_code == 404
    assert client.delete(f"{BASE}/blacklist/{foreign_entry.pk}/").status_code == 404
    assert BlacklistEntry.objects.filter(pk=foreign_entry.pk).exists()


def test_platform_sees_every_tenant(staff, visit, foreign_visit):
    assert set(ids(staff.client().get(f"{BASE}/sessions/"))) == {visit.pk, foreign_visit.pk}


def test_publisher_and_anonymous_are_refused(publisher, api_client, visit):
    assert publisher.client().get(f"{BASE}/sessions/").status_code == 403
    response = api_client.get(f"{BASE}/sessions/")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_reset_token_refuses_the_old_one_on_the_next_request(owner, visit):
    client = owner.client()
    assert client.get(f"{BASE}/sessions/").status_code == 200
    new = client.post(f"{BASE}/api-token-reset/").json()["token"]
    owner_token_client = owner.client()
    assert owner_token_client.get(f"{BASE}/sessions/").status_code == 200  # not an api-token-get token
    fresh = APIClient()
    fresh.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert fresh.get(f"{BASE}/sessions/").status_code == 200
    again = fresh.post(f"{BASE}/api-token-reset/").json()["token"]
    assert fresh.get(f"{BASE}/sessions/").status_code == 401
    fresh.credentials(HTTP_AUTHORIZATION=f"Token {again}")
    assert ids(fresh.get(f"{BASE}/sessions/")) == [visit.pk]


def test_huge_ids_are_404_or_400_never_500(owner, visit):
    client = owner.client()
    assert client.get(f"{BASE}/sessions/{'9' * 30}/").status_code == 404
    assert client.get(f"{BASE}/sessions/?company={'9' * 30}").status_code == 400
    assert client.get(f"{BASE}/sessions/?cursor=garbage").status_code == 400
    assert client.get(f"{BASE}/sessions/?date_from=not-a-date").status_code == 400


@pytest.mark.parametrize("path", ["sessions", "companies", "persons"])
def test_a_moment_with_an_offset_postgresql_refuses_is_read_in_utc(owner, site, path):
    visit = VisitSessionFactory(site=site, started_at=timezone.now())
    PersonFactory(advertiser=site.advertiser, company=visit.company, last_seen_at=timezone.now())
    response = owner.client().get(f"{BASE}/{path}/", {"date_from": "2000-01-01T02:26:48+17:37"})
    assert (response.status_code, len(response.json()["results"])) == (200, 1)


def test_a_moment_beyond_year_9999_in_utc_is_a_400(owner):
    response = owner.client().get(f"{BASE}/sessions/", {"date_to": "9999-12-31T23:00:00-05:00"})
    assert (response.status_code, list(response.json())) == (400, ["date_to"])


# ------------------------------------------------------------------------------
# Filters and saved filters
# ------------------------------------------------------------------------------
def test_session_filters(owner, site):
    now = timezone.now()
    czech = VisitSessionFactory(
        site=site, company=CompanyFactory(country="CZ", domain="czech.example"), started_at=now - timedelta(days=10)
    )
    german = VisitSessionFactory(
        site=site, company=CompanyFactory(country="DE", domain="german.example"), started_at=now - timedelta(days=1)
    )
    person = PersonFactory(advertiser=site.advertiser)
    german.person = person
    german.save()
    client = owner.client()
    date_from = (now - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    date_to = (now - timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(client.get(f"{BASE}/sessions/", {"date_from": date_from})) == [german.pk]
    assert ids(client.get(f"{BASE}/sessions/", {"date_to": date_to})) == [czech.pk]
    assert ids(client.get(f"{BASE}/sessions/", {"country": "cz"})) == [czech.pk]
    assert ids(client.get(f"{BASE}/sessions/", {"domain": "GERMAN.example"})) == [german.pk]
    assert ids(client.get(f"{BASE}/sessions/", {"company": czech.company_id})) == [czech.pk]
    assert ids(client.get(f"{BASE}/sessions/", {"person": person.pk})) == [german.pk]
    assert ids(client.get(f"{BASE}/sessions/", {"turnover": german.company.turnover_id})) == [german.pk]
    assert ids(client.get(f"{BASE}/sessions/", {"magnitude": czech.company.magnitude_id})) == [czech.pk]


def test_company_and_person_filters(owner, site):
    now = timezone.now()
    old = VisitSessionFactory(site=site, company=CompanyFactory(country="CZ"), started_at=now - timedelta(days=30))
    recent = VisitSessionFactory(site=site, company=CompanyFactory(country="SK"), started_at=now - timedelta(hours=2))
    person = PersonFactory(advertiser=site.advertiser, company=recent.company, email="eva@mail.example")
    client = owner.client()
    date_from = (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(client.get(f"{BASE}/companies/", {"date_from": date_from})) == [recent.company_id]
    assert ids(client.get(f"{BASE}/companies/", {"country": "CZ"})) == [old.company_id]
    assert ids(client.get(f"{BASE}/companies/", {"person": person.pk})) == [recent.company_id]
    assert ids(client.get(f"{BASE}/persons/", {"domain": "mail.example"})) == [person.pk]
    assert ids(client.get(f"{BASE}/persons/", {"domain": recent.company.domain})) == [person.pk]
    assert ids(client.get(f"{BASE}/persons/", {"country": "CZ"})) == []


def test_saved_filter_is_applied_and_explicit_parameters_win(owner, site):
    czech = VisitSessionFactory(site=site, company=CompanyFactory(country="CZ"))
    german = VisitSessionFactory(site=site, company=CompanyFactory(country="DE"))
    client = owner.client()
    saved = client.post(f"{BASE}/saved-filters/", {"name": "Czech", "filters": {"country": "CZ"}}, format="json").json()
    assert ids(client.get(f"{BASE}/sessions/", {"saved_filter": saved["id"]})) == [czech.pk]
    assert ids(client.get(f"{BASE}/companies/", {"saved_filter": saved["id"]})) == [czech.company_id]
    assert ids(client.get(f"{BASE}/sessions/", {"saved_filter": saved["id"], "country": "DE"})) == [german.pk]


def test_saved_filters_are_the_users_own(owner, member, outsider):
    mine = SavedFilterFactory(advertiser=owner.advertiser, user=owner.user)
    colleagues = SavedFilterFactory(advertiser=owner.advertiser, user=member.user)
    client = owner.client()
    assert ids(client.get(f"{BASE}/saved-filters/")) == [mine.pk]
    assert client.get(f"{BASE}/saved-filters/{colleagues.pk}/").status_code == 404
    assert client.get(f"{BASE}/sessions/", {"saved_filter": colleagues.pk}).status_code == 400


def test_saved_filter_update_and_delete(owner):
    client = owner.client()
    saved = client.post(f"{BASE}/saved-filters/", {"name": "A", "filters": {"country": "CZ"}}, format="json").json()
    response = client.patch(f"{BASE}/saved-filters/{saved['id']}/", {"filters": {"domain": "x.example"}}, format="json")
    assert response.status_code == 200
    assert response.json()["filters"] == {"domain": "x.example"}
    assert client.delete(f"{BASE}/saved-filters/{saved['id']}/").status_code == 204
    assert not SavedFilter.objects.exists()


def test_the_advertiser_field_in_the_body_is_ignored(owner, other_advertiser):
    body = {"name": "x", "filters": {}, "advertiser": other_advertiser.pk}
    response = owner.client().post(f"{BASE}/saved-filters/", body, format="json")
    assert response.status_code == 201
    assert SavedFilter.objects.get().advertiser == owner.advertiser


def test_a_tenant_naming_another_advertiser_creates_nothing(owner, other_advertiser):
    body = {"domain": "a.example", "advertiser_id": other_advertiser.pk}
    assert owner.client().post(f"{BASE}/blacklist/", body, format="json").status_code == 404
    assert not BlacklistEntry.objects.exists()


def test_platform_must_name_the_advertiser(staff, advertiser):
    client = staff.client()
    assert client.post(f"{BASE}/blacklist/", {"domain": "a.example"}, format="json").status_code == 400
    response = client.post(f"{BASE}/blacklist/", {"domain": "a.example", "advertiser_id": advertiser.pk}, format="json")
    assert response.status_code == 201
    assert response.json()["advertiser"] == advertiser.pk


@pytest.mark.parametrize(
    "filters",
    [
        {"colour": "red"},
        {"company": "abc"},
        {"date_from": "yesterday"},
        {"country": "CZE"},
        {"domain": ["a"]},
        {"saved_filter": 1},
        {f"k{n}": "v" for n in range(30)},
        "country=CZ",
    ],
)
def test_invalid_saved_filters_are_400(owner, filters):
    response = owner.client().post(f"{BASE}/saved-filters/", {"name": "bad", "filters": filters}, format="json")
    assert response.status_code == 400, response.content
    assert "filters" in response.json()


# ------------------------------------------------------------------------------
# Blacklist
# ------------------------------------------------------------------------------
def test_blacklisting_hides_sessions_companies_and_persons(owner, visit):
    client = owner.client()
    other = VisitSessionFactory(site=visit.site)
    response = client.post(f"{BASE}/blacklist/", {"company": visit.company_id, "note": "competitor"}, format="json")
    assert response.status_code == 201, response.content
    assert ids(client.get(f"{BASE}/sessions/")) == [other.pk]
    assert client.get(f"{BASE}/sessions/{visit.pk}/").status_code == 404
    assert ids(client.get(f"{BASE}/companies/")) == [other.company_id]
    assert ids(client.get(f"{BASE}/persons/")) == []
    assert client.delete(f"{BASE}/blacklist/{response.json()['id']}/").status_code == 204
    assert set(ids(client.get(f"{BASE}/sessions/"))) == {visit.pk, other.pk}


def test_blacklisted_domain_hides_company_and_persons_by_email(owner, visit):
    client = owner.client()
    assert client.post(f"{BASE}/blacklist/", {"domain": visit.company.domain}, format="json").status_code == 201
    assert ids(client.get(f"{BASE}/sessions/")) == []
    assert ids(client.get(f"{BASE}/companies/")) == []
    client.post(f"{BASE}/blacklist/", {"domain": "buyer.example"}, format="json")
    assert ids(client.get(f"{BASE}/persons/")) == []


def test_one_advertisers_blacklist_does_not_hide_anothers_rows(owner, outsider, visit):
    BlacklistEntryFactory(advertiser=outsider.advertiser, domain=visit.company.domain)
    assert ids(owner.client().get(f"{BASE}/sessions/")) == [visit.pk]


@pytest.mark.parametrize(
    "body",
    [{}, {"domain": "not a domain"}, {"domain": "x" * 300}, {"company": 999999}, {"company": "abc"}],
)
def test_invalid_blacklist_entries_are_400(owner, body):
    assert owner.client().post(f"{BASE}/blacklist/", body, format="json").status_code == 400


def test_blacklist_refuses_another_tenants_company_and_duplicates(owner, visit, foreign_visit):
    client = owner.client()
    assert client.post(f"{BASE}/blacklist/", {"company": foreign_visit.company_id}, format="json").status_code == 400
    both = {"company": visit.company_id, "domain": "a.example"}
    assert client.post(f"{BASE}/blacklist/", both, format="json").status_code == 400
    assert client.post(f"{BASE}/blacklist/", {"domain": "a.example"}, format="json").status_code == 201
    assert client.post(f"{BASE}/blacklist/", {"domain": "A.example."}, format="json").status_code == 400
    assert BlacklistEntry.objects.count() == 1


# ------------------------------------------------------------------------------
# Cursor pagination
# ------------------------------------------------------------------------------
def test_cursor_pages_are_stable_under_inserts(owner, site):
    sessions = [VisitSessionFactory(site=site) for _ in range(7)]
    client = owner.client()
    first = client.get(f"{BASE}/sessions/", {"page_size": 3}).json()
    assert first["previous"] is None
    seen = [row["id"] for row in first["results"]]
    for _ in range(3):
        VisitSessionFactory(site=site)  # newer rows arrive while the client is paging
    url = first["next"]
    while url:
        parts = urlsplit(url)
        page = client.get(f"{parts.path}?{parts.query}").json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert seen == sorted((s.pk for s in sessions), reverse=True)
    assert page["previous"] is not None


def test_previous_link_walks_back(owner, site):
    for _ in range(5):
        VisitSessionFactory(site=site)
    client = owner.client()
    first = client.get(f"{BASE}/sessions/", {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    back = client.get(second["previous"]).json()
    assert [r["id"] for r in back["results"]] == [r["id"] for r in first["results"]]


# ------------------------------------------------------------------------------
# Throttling per resource type
# ------------------------------------------------------------------------------
def test_each_resource_type_has_its_own_limit(owner, visit, settings):
    settings.API_RATES = {**settings.API_RATES, "intel-sessions": "2/minute"}
    client = owner.client()
    assert [client.get(f"{BASE}/sessions/").status_code for _ in range(2)] == [200, 200]
    limited = client.get(f"{BASE}/sessions/{visit.pk}/")
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited["X-RateLimit-Remaining"] == "0"
    assert "detail" in limited.json()
    assert client.get(f"{BASE}/companies/").status_code == 200


def test_limits_are_per_user(owner, member, visit, settings):
    settings.API_RATES = {**settings.API_RATES, "intel-companies": "1/minute"}
    assert owner.client().get(f"{BASE}/companies/").status_code == 200
    assert owner.client().get(f"{BASE}/companies/").status_code == 429
    assert member.client().get(f"{BASE}/companies/").status_code == 200


# ------------------------------------------------------------------------------
# Constant query counts
# ------------------------------------------------------------------------------
def _rows(site, user, count):
    """`count` rows of every resource (each company brings its own turnover and magnitude)."""
    for _ in range(count):
        session = VisitSessionFactory(site=site)
        session.person = PersonFactory(advertiser=site.advertiser, company=session.company)
        session.save()
        VisitActionFactory(session=session)
        VisitActionFactory(session=session, type="identify", email=session.person.email)
        SavedFilterFactory(advertiser=site.advertiser, user=user)
        BlacklistEntryFactory(advertiser=site.advertiser)


LISTS = ["sessions", "companies", "persons", "saved-filters", "blacklist", "turnovers", "magnitudes"]


@pytest.mark.parametrize("resource", LISTS)
def test_list_query_count_is_constant(resource, site, django_assert_max_num_queries):
    user = MembershipFactory(advertiser=site.advertiser).user
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user, site.advertiser)}")
    _rows(site, user, 2)
    with django_assert_max_num_queries(8) as small:
        assert len(results(client.get(f"{BASE}/{resource}/", {"page_size": 50}))) == 2
    _rows(site, user, 18)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(results(client.get(f"{BASE}/{resource}/", {"page_size": 50}))) == 20


def test_plain_session_representation_equals_drfs_own(visit, monkeypatch):
    """The hot-path renderer (PlainRepresentation) must say exactly what DRF's fields would."""
    from rest_framework import serializers

    from leadplatform.api.fast_rendering import PlainRepresentation
    from leads.intel.api.serializers import VisitSessionSerializer

    visit.ip_address = "2001:db8::1"
    visit.save()
    VisitActionFactory(session=visit, type="identify", email="ann@buyer.example", time_on_page=None)
    bare = VisitSessionFactory(site=visit.site, company=None)
    sessions = list(
        type(visit)
        .objects.select_related("company", "person")
        .prefetch_related("actions")
        .filter(pk__in=[visit.pk, bare.pk])
    )
    plain = VisitSessionSerializer(sessions, many=True).data
    monkeypatch.setattr(
        PlainRepresentation,
        "to_representation",
        lambda self, instance: serializers.ModelSerializer.to_representation(self, instance),
    )
    assert VisitSessionSerializer(sessions, many=True).data == plain


def test_volume_is_capped(owner, monkeypatch):
    from leads.intel.api import serializers as intel_serializers

    monkeypatch.setattr(intel_serializers, "MAX_SAVED_FILTERS_PER_USER", 2)
    monkeypatch.setattr(intel_serializers, "MAX_BLACKLIST_ENTRIES", 1)
    client = owner.client()
    statuses = [
        client.post(f"{BASE}/saved-filters/", {"name": f"f{n}", "filters": {}}, format="json").status_code
        for n in range(3)
    ]
    assert statuses == [201, 201, 400]
    assert client.post(f"{BASE}/blacklist/", {"domain": "a.example"}, format="json").status_code == 201
    assert client.post(f"{BASE}/blacklist/", {"domain": "b.example"}, format="json").status_code == 400


def test_blacklisting_a_company_twice_says_so(owner, visit):
    client = owner.client()
    assert client.post(f"{BASE}/blacklist/", {"company": visit.company_id}, format="json").status_code == 201
    response = client.post(f"{BASE}/blacklist/", {"company": visit.company_id}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Already on the blacklist."]}
