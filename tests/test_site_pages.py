"""The site's own pages: header Admin link, styled error pages, favicon, the demo login hint."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import RequestFactory

from accounts import demo
from leadplatform import errors

from .factories import MembershipFactory, PublisherFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

ADMIN_LINK = '<a href="/admin/">Admin</a>'


def header_of(client, user) -> str:
    client.force_login(user)
    return client.get("/settings/tokens/").content.decode()


def test_members_see_the_admin_link(client):
    assert ADMIN_LINK in header_of(client, MembershipFactory().user)


def test_staff_see_the_admin_link(client):
    assert ADMIN_LINK in header_of(client, StaffFactory())


def test_publishers_see_no_admin_link(client):
    assert ADMIN_LINK not in header_of(client, PublisherFactory().user)


def test_a_missing_page_is_the_styled_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "css/site.css" in response.content.decode() and "Page not found" in response.content.decode()


def test_a_forbidden_admin_page_is_the_styled_403(client):
    client.force_login(MembershipFactory().user)
    response = client.get("/admin/auth/group/")
    assert response.status_code == 403
    assert "css/site.css" in response.content.decode() and "Access denied" in response.content.decode()


def test_a_server_error_is_the_styled_500():
    response = errors.server_error(RequestFactory().get("/settings/tokens/"))
    assert response.status_code == 500
    assert "css/site.css" in response.content.decode() and "Something went wrong" in response.content.decode()


@pytest.mark.parametrize("path", ["/api/v1/jobs", "/api/web/v1/results", "/api/intel/v1/sessions/", "/api/get/tasks/"])
def test_a_forbidden_api_path_still_answers_json(path):
    response = errors.permission_denied(RequestFactory().get(path), PermissionDenied())
    assert (response.status_code, response["Content-Type"].split(";")[0]) == (403, "application/json")


def test_a_missing_api_path_still_answers_json(client):
    response = client.get("/api/v1/no-such-route")
    assert (response.status_code, response["Content-Type"].split(";")[0]) == (404, "application/json")


def test_favicon_ico_answers_with_the_icon(client):
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Content-Type"]) == (200, "image/svg+xml")
    assert b"<svg" in b"".join(response.streaming_content)


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_pages_link_the_favicon(client, path):
    assert 'rel="icon" href="/static/favicon.svg"' in client.get(path).content.decode()


def demo_hint_lines(page: str) -> list[str]:
    """The lines of the demo-login hint on a page, tags stripped."""
    hint = re.search(r'<p class="hint" role="note">(.*?)</p>', page, re.DOTALL)
    return [re.sub(r"<[^>]+>", "", line) for line in hint.group(1).split("<br>")] if hint else []


@pytest.fixture
def demo_users():
    for username in (demo.PLATFORM_USERNAME, demo.ADVERTISERS[0]["username"], demo.PUBLISHERS[0]["username"]):
        UserFactory(username=username)


def test_the_admin_login_page_names_the_advertiser_demo_login_first(client, settings, demo_users):
    settings.DEBUG = True
    lines = demo_hint_lines(client.get("/admin/login/").content.decode())
    assert lines[0] == f"Demo advertiser: acme / {demo.DEMO_PASSWORD}"


def test_the_influencer_login_page_names_the_influencer_demo_login_first(client, settings, demo_users):
    settings.DEBUG = True
    lines = demo_hint_lines(client.get("/login/").content.decode())
    assert lines[0] == f"Demo influencer (the app at /app/): anna / {demo.DEMO_PASSWORD}"


def test_the_admin_login_page_still_names_the_platform_admin(client, settings, demo_users):
    settings.DEBUG = True
    lines = demo_hint_lines(client.get("/admin/login/").content.decode())
    assert f"Platform admin (every advertiser): admin / {demo.DEMO_PASSWORD}" in lines


def test_a_wrong_admin_password_speaks_of_the_account_not_of_staff(client):
    page = client.post("/admin/login/", {"username": "acme", "password": "wrong"}).content.decode()
    error = re.search(r'<p class="errornote">(.*?)</p>', page, re.DOTALL).group(1)
    assert "staff" not in error and "advertiser" in error


def test_login_page_hides_the_demo_credentials_without_demo_data(client, settings):
    settings.DEBUG = True
    assert demo_hint_lines(client.get("/login/").content.decode()) == []


def test_login_page_never_shows_demo_credentials_outside_development(client, settings, demo_users):
    settings.DEBUG = False
    assert demo_hint_lines(client.get("/login/").content.decode()) == []


def test_export_files_are_never_served_as_public_media(client, settings):
    settings.SERVE_MEDIA = True
    name = default_storage.save("exports/0d6c9a1e/leads.csv", ContentFile(b"email\nlead@example.com\n"))
    try:
        assert client.get(f"/media/{name}").status_code == 404
    finally:
        default_storage.delete(name)
