"""Admin holds the API's grants on every URL and every changelist action of every registered model.

Walked as each principal: platform staff, the owner, a manager and a viewer of an advertiser, the
owner of that advertiser once it is suspended, a removed member, an inactive user and the owner of
another advertiser. The pages and actions come from the admin site's registry and each ModelAdmin's
`get_urls()`, so a new admin is walked without being named here (`tests/admin_walk.py` builds its row).
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import transaction
from django.test import Client

from accounts import services
from accounts.admin_scoping import TenantScopedAdmin
from accounts.models import Membership
from accounts.principal import role_rank

from .admin_walk import (
    MISSING_PK,
    ROW_OF,
    action_names,
    build_world,
    changed_tables,
    database_snapshot,
    form_data,
    index_urls,
    reveals,
    urls_of,
)
from .factories import AdvertiserFactory, MembershipFactory

pytestmark = pytest.mark.django_db

OWNER, MANAGER, VIEWER = Membership.Role.OWNER, Membership.Role.MANAGER, Membership.Role.VIEWER


def _former_member(world):
    membership = MembershipFactory(advertiser=world.advertiser, role=OWNER)
    services.remove_member(membership)
    return membership.user


def _inactive_user(world):
    user = MembershipFactory(advertiser=world.advertiser, role=OWNER).user
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


def _suspended_owner(world):
    services.suspend_advertiser(world.advertiser)
    return world.owner


#: Who walks, and how they come to be: each takes the world and returns the user to log in as.
PRINCIPALS = {
    "staff": lambda world: world.staff,
    "owner": lambda world: world.owner,
    "manager": lambda world: world.manager,
    "viewer": lambda world: world.viewer,
    "suspended advertiser's owner": _suspended_owner,
    "removed member": _former_member,
    "inactive user": _inactive_user,
    "another advertiser's owner": lambda world: MembershipFactory(advertiser=AdvertiserFactory(), role=OWNER).user,
}
#: The member role each principal acts with on the walked advertiser's rows, by the API's rule.
ACTS_AS = {"owner": OWNER, "manager": MANAGER, "viewer": VIEWER}
#: Principals who are refused every admin page, as the API refuses them every route.
SHUT_OUT = {"suspended advertiser's owner": 403, "removed member": 302, "inactive user": 302}
WALKERS = [name for name in PRINCIPALS if name not in SHUT_OUT]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _walk(world):
    for model, model_admin in admin.site._registry.items():
        yield model, model_admin, urls_of(model_admin, world.rows[model].pk)


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def _api_allows_writing(principal: str, model_admin) -> bool:
    """Whether the API's rule lets the principal write what this admin edits: staff always; a member
    when their role reaches the admin's write_role; nobody else (platform rows declare no role)."""
    if principal == "staff":
        return True
    write_role = getattr(model_admin, "write_role", None)
    return principal in ACTS_AS and write_role is not None and role_rank(ACTS_AS[principal]) >= role_rank(write_role)


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    """One world for the module, in a transaction rolled back after its last test; the staff's
    change forms are read once, to fill the forms the refused principals post."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        staff = _client(world.staff)
        world.staff_forms = {
            model: form_data(_body(staff.get(_url_of_kind(urls, "change"))), model._meta.model_name)
            for model, _, urls in _walk(world)
        }
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def world(_module_world, monkeypatch):
    """The module's world; whatever a test changes in it (a suspension, a write) goes with the test's
    own transaction, nested in the module's."""
    # The sidebar lists every model on every page: it would triple the walk's time. The index and the
    # app indexes, which list the same, are walked.
    monkeypatch.setattr(admin.site, "enable_nav_sidebar", False)
    _module_world.advertiser.refresh_from_db()
    return _module_world


def _url_of_kind(urls, kind: str) -> str:
    return next(url.path for url in urls if url.kind == kind)


def test_every_registered_model_has_a_row_to_walk():
    assert {model._meta.label for model in admin.site._registry} - set(ROW_OF) == set()


@pytest.mark.parametrize("principal", WALKERS)
def test_no_admin_page_shows_more_of_a_secret_than_its_last_four_characters(world, principal):
    client = _client(PRINCIPALS[principal](world))
    paths = index_urls() + [url.path for _, _, urls in _walk(world) for url in urls]
    bodies = {path: _body(client.get(path)) for path in paths}
    assert [path for path, body in bodies.items() if any(reveals(body, secret) for secret in world.secrets)] == []


@pytest.mark.parametrize("principal", list(SHUT_OUT))
def test_a_principal_the_api_refuses_gets_no_admin_page(world, principal):
    client = _client(PRINCIPALS[principal](world))
    paths = index_urls() + [url.path for _, _, urls in _walk(world) for url in urls]
    answers = {path: client.get(path).status_code for path in paths}
    assert {path: status for path, status in answers.items() if status != SHUT_OUT[principal]} == {}


def _write_attempts(client, model_admin, urls, row, staff_form, may_add: bool):
    """Every way the admin offers to write the row: each action on it, the add, change and delete
    forms (filled as staff would fill them) and each custom URL."""
    changelist = _url_of_kind(urls, "changelist")
    for action in action_names(model_admin):
        client.post(changelist, {"action": action, ACTION_CHECKBOX_NAME: [row.pk], "index": 0})
    for url in urls:
        if url.kind in ("add", "change") and (url.kind == "change" or may_add):
            client.post(url.path, staff_form)
        elif url.kind == "delete":
            client.post(url.path, {"post": "yes"})
        elif url.kind == "custom":
            client.post(url.path)


@pytest.mark.parametrize("principal", [name for name in PRINCIPALS if name != "staff"])
def test_a_principal_the_api_refuses_a_write_changes_nothing_in_admin(world, principal):
    client = _client(PRINCIPALS[principal](world))
    written = {}
    for model, model_admin, urls in _walk(world):
        if _api_allows_writing(principal, model_admin):
            continue
        before = database_snapshot()
        may_add = principal != "another advertiser's owner"  # adding to their own advertiser is theirs to do
        _write_attempts(client, model_admin, urls, world.rows[model], world.staff_forms[model], may_add)
        if changed := changed_tables(before, database_snapshot()):
            written[model._meta.label] = changed
    assert written == {}


def test_another_advertisers_rows_answer_like_rows_that_do_not_exist(world):
    client = _client(PRINCIPALS["another advertiser's owner"](world))
    differing = []
    for _, model_admin, urls in _walk(world):
        if not isinstance(model_admin, TenantScopedAdmin):
            continue  # the platform's rows belong to no tenant
        for foreign, missing in zip(urls, urls_of(model_admin, MISSING_PK), strict=True):
            if not foreign.names_a_row:
                continue
            got, expected = client.get(foreign.path), client.get(missing.path)
            if (got.status_code, got.get("Location")) != (expected.status_code, expected.get("Location")):
                differing.append(f"{foreign.path}: {got.status_code}, a missing row {expected.status_code}")
    assert differing == []
