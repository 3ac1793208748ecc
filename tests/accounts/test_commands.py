"""Management commands: issue_token and seed_demo."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts import demo
from accounts.management.commands.seed_demo import demo_modules
from accounts.models import Advertiser, ApiToken, Publisher, User
from accounts.services import find_token

from ..factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


def test_issue_token_prints_a_working_token():
    user = UserFactory()
    plaintext = run("issue_token", user.username, "--name", "ci")
    assert find_token(plaintext).name == "ci"


def test_issue_token_scopes_to_the_advertiser():
    membership = MembershipFactory()
    plaintext = run("issue_token", membership.user.username, "--advertiser", str(membership.advertiser.pk))
    assert find_token(plaintext).advertiser == membership.advertiser


def test_issue_token_refuses_a_non_member():
    user = UserFactory()
    other = MembershipFactory().advertiser
    with pytest.raises(CommandError):
        run("issue_token", user.username, "--advertiser", str(other.pk))


def test_issue_token_refuses_an_unknown_user():
    with pytest.raises(CommandError):
        run("issue_token", "ghost")


def test_seed_demo_json_has_the_documented_credentials():
    data = json.loads(run("seed_demo", "--json"))
    assert set(data) >= {"platform", "advertisers", "publishers", "application"}
    assert set(data["platform"]) == {"username", "email", "password", "token"}
    assert set(data["advertisers"][0]) == {"id", "name", "email", "owner", "token"}
    assert set(data["advertisers"][0]["owner"]) == {"user_id", "username", "email", "password"}
    assert set(data["publishers"][0]) == {"user_id", "id", "username", "email", "password", "token"}
    assert set(data["application"]) == {"client_id", "client_secret"}


def test_seed_demo_is_idempotent():
    run("seed_demo", "--json")
    counts = (User.objects.count(), Advertiser.objects.count(), Publisher.objects.count())
    run("seed_demo", "--json")
    assert (User.objects.count(), Advertiser.objects.count(), Publisher.objects.count()) == counts


def test_seed_demo_credentials_are_fresh_and_work():
    first = json.loads(run("seed_demo", "--json"))
    second = json.loads(run("seed_demo", "--json"))
    assert find_token(first["platform"]["token"]).is_usable is False
    assert find_token(second["platform"]["token"]).is_usable is True
    assert ApiToken.objects.filter(source="demo", revoked_at__isnull=True).count() == 1 + 2 + 3


def test_seed_demo_user_id_of_a_publisher_is_what_force_logout_takes(api_client):
    data = json.loads(run("seed_demo", "--json"))
    target, *others = data["publishers"]
    tokens = [data["platform"]["token"], *(a["token"] for a in data["advertisers"]), *(p["token"] for p in others)]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {data['platform']['token']}")
    answer = api_client.post("/api/user/force-logout/", {"user_id": target["user_id"]}, format="json")
    assert answer.status_code == 200
    assert find_token(target["token"]).is_usable is False
    assert all(find_token(token).is_usable for token in tokens)


def test_seed_demo_prints_one_progress_line_per_app_and_none_with_json():
    printed = run("seed_demo").splitlines()
    modules = demo_modules()
    assert printed[: len(modules)] == [
        f"demo data {number}/{len(modules)}: {module}" for number, module in enumerate(modules, start=1)
    ]
    assert "Demo data ready." in printed[len(modules)]
    json.loads(run("seed_demo", "--json"))


def demo_user_hashed_elsewhere(username: str, password: str = demo.DEMO_PASSWORD) -> User:
    """A demo user whose password hash another process made (its own salt), as an earlier seed leaves it."""
    user = User.objects.get(username=username)
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def test_seed_demo_keeps_the_browser_sessions_of_demo_users(client):
    demo.seed({})
    client.force_login(demo_user_hashed_elsewhere("acme"))
    demo.seed({})
    assert client.get("/admin/").status_code == 200


def test_seed_demo_gives_a_changed_password_back_the_demo_password():
    demo.seed({})
    demo_user_hashed_elsewhere("acme", "changed-by-someone")
    demo.seed({})
    assert User.objects.get(username="acme").check_password(demo.DEMO_PASSWORD)
