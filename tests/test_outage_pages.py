"""Site pages while Redis is unreachable (a closed port): the tokens page keeps working, and a
page whose work needs Redis answers a 503 page with Retry-After instead of a 500."""

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import include, path

from accounts.models import ApiToken

from .api.test_dependency_outage import RETRY_AFTER, redis_down, retry_after  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("redis_down")]


def cached_greeting(request):
    return HttpResponse(cache.get("greeting", "hello"))


# The site's own routes (the 503 page links them) plus one page that reads the cache.
urlpatterns = [path("needs-the-cache/", cached_greeting), path("", include("leadplatform.urls"))]


def test_tokens_page_lists_the_tokens_while_redis_is_down(client, owner):
    client.force_login(owner.user)
    response = client.get("/settings/tokens/")
    assert response.status_code == 200 and ApiToken.objects.get(user=owner.user).prefix in response.text


def test_tokens_page_creates_a_token_while_redis_is_down(client, owner):
    client.force_login(owner.user)
    client.post("/settings/tokens/", {"name": "during the outage", "advertiser": owner.advertiser.pk})
    assert ApiToken.objects.filter(user=owner.user, name="during the outage").exists()


def test_tokens_page_revokes_a_token_while_redis_is_down(client, owner):
    client.force_login(owner.user)
    token = ApiToken.objects.get(user=owner.user)
    client.post(f"/settings/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.urls(__name__)
def test_site_page_that_needs_redis_answers_503_with_retry_after(client):
    response = client.get("/needs-the-cache/")
    assert (response.status_code, response["Retry-After"]) == (503, RETRY_AFTER)


@pytest.mark.urls(__name__)
def test_the_503_page_says_the_outage_is_temporary(client):
    assert "Temporarily unavailable" in client.get("/needs-the-cache/").text
