"""Usernames are compared as people read them: fullwidth, case and look-alike letters fold to one name,
names mixing look-alike scripts are refused, and an e-mail-shaped username must be the account's own."""

from __future__ import annotations

import importlib
import io
import os
from unittest import mock

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection

from accounts.models import User
from accounts.usernames import username_key

from ..factories import UserFactory
from .test_registration import PASSPHRASE, register

pytestmark = pytest.mark.django_db

LOGIN = "/api/web/v1/auth/login"


# ------------------------------------------------------------------------------
# The key
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("spelling", ["acme", "ACME", "ＡＣＭＥ", "аcme", "АСМЕ"])
def test_spellings_that_read_acme_share_its_key(spelling):
    assert username_key(spelling) == "acme"


def test_names_that_read_differently_keep_different_keys():
    assert username_key("acme0") != username_key("acmeo")


def test_the_database_refuses_a_second_user_with_the_same_key():
    UserFactory(username="acme")
    with pytest.raises(IntegrityError):
        User.objects.create(username="Acme", email="other@example.com")


# ------------------------------------------------------------------------------
# Web registration
# ------------------------------------------------------------------------------
# Each case: the existing user's name (or none), then the username and e-mail registered.
USERNAME_REFUSALS = {
    "fullwidth spelling of a taken name": ("ACME", "ＡＣＭＥ", "fullwidth@example.com"),
    "Cyrillic а in a taken name": ("acme", "аcme", "cyrillic@example.com"),
    "all-Cyrillic look-alike of a taken name": ("ace", "асе", "cyrillic@example.com"),
    "look-alike scripts mixed, name free": (None, "pаypal", "mixed@example.com"),
    "another user's e-mail address": ("bob", "bob@example.com", "mallory@example.com"),
    "an e-mail address not the account's own": (None, "nobody@example.com", "mallory@example.com"),
}


def register_refused(api_client, case: str):
    existing, username, email = USERNAME_REFUSALS[case]
    if existing:
        UserFactory(username=existing, email=f"{existing}@example.com")
    return register(api_client, username, email)


@pytest.mark.parametrize("case", USERNAME_REFUSALS)
def test_registration_refuses_the_username(case, api_client):
    response = register_refused(api_client, case)
    assert (response.status_code, list(response.json()["errors"])) == (422, ["username"])


@pytest.mark.parametrize("case", USERNAME_REFUSALS)
def test_a_refused_registration_creates_no_user(case, api_client):
    register_refused(api_client, case)
    assert not User.objects.filter(email=USERNAME_REFUSALS[case][2]).exists()


def test_a_name_in_another_script_alone_is_accepted(api_client):
    assert register(api_client, "иван", "ivan@example.com").status_code == 201


def test_a_fullwidth_name_is_stored_in_its_normal_form(api_client):
    register(api_client, "ＡＣＭＥ", "acme@example.com")
    assert User.objects.get(email="acme@example.com").username == "ACME"


def test_the_own_email_address_as_the_username_is_accepted(api_client):
    assert register(api_client, "me@example.com", "me@example.com").status_code == 201


def test_an_email_address_that_is_another_users_username_is_refused(api_client):
    User.objects.create_user(username="bob@example.com", email="bob@example.com", password=PASSPHRASE)
    User.objects.filter(username="bob@example.com").update(email="bob@elsewhere.example")
    response = register(api_client, "robert", "bob@example.com")
    assert (response.status_code, list(response.json()["errors"])) == (422, ["email"])


def test_the_original_account_still_logs_in_after_a_look_alike_was_refused(api_client):
    register(api_client, "acme", "acme@example.com")
    register(api_client, "аcme", "cyrillic@example.com")
    response = api_client.post(LOGIN, {"username": "acme", "password": PASSPHRASE})
    assert response.status_code == 200


# ------------------------------------------------------------------------------
# Admin forms (model validation) and manage.py
# ------------------------------------------------------------------------------
# Renames an admin form would save: the other user's name, then the new name.
REFUSED_RENAMES = {"look-alike of another's name": ("acme", "АСМЕ"), "another's e-mail": ("bob", "bob@example.com")}


@pytest.mark.parametrize("case", REFUSED_RENAMES)
def test_model_validation_refuses_the_rename(case):
    other, new_name = REFUSED_RENAMES[case]
    UserFactory(username=other, email=f"{other}@example.com")
    user = UserFactory(username="globex")
    user.username = new_name
    with pytest.raises(ValidationError) as refusal:
        user.full_clean()
    assert list(refusal.value.message_dict) == ["username"]


def test_model_validation_accepts_the_user_keeping_its_own_name():
    user = UserFactory(username="acme")
    assert user.full_clean() is None


def createsuperuser(username: str, email: str) -> None:
    environment = {"DJANGO_SUPERUSER_PASSWORD": PASSPHRASE}
    with mock.patch.dict(os.environ, environment):
        call_command("createsuperuser", "--noinput", username=username, email=email, stdout=io.StringIO())


def test_createsuperuser_refuses_a_look_alike_of_a_taken_name():
    UserFactory(username="admin")
    with pytest.raises(CommandError, match="already taken"):
        createsuperuser("аdmin", "root@example.com")


def test_createsuperuser_refuses_another_users_email_as_the_username():
    with pytest.raises(CommandError, match="own e-mail"):
        createsuperuser("someone@example.com", "root@example.com")


# ------------------------------------------------------------------------------
# Existing users get their keys
# ------------------------------------------------------------------------------
def test_the_migration_gives_the_oldest_of_two_alike_names_the_key_and_the_other_a_marked_one():
    migration = importlib.import_module("accounts.migrations.0004_username_key")
    key_is_unique = next(c for c in User._meta.constraints if c.name == "accounts_user_username_key_unique")
    with connection.schema_editor() as editor:  # as before the migration (rolled back with the test)
        editor.remove_constraint(User, key_is_unique)
    older, newer = UserFactory(username="Acme"), UserFactory(username="acme")
    User.objects.update(username_key="")
    migration.fill_username_keys(django_apps, None)
    keys = dict(User.objects.values_list("pk", "username_key"))
    assert keys == {older.pk: "acme", newer.pk: f"acme#{newer.pk}"}


def test_the_admin_add_user_form_refuses_a_look_alike_of_a_taken_name(client, staff):
    UserFactory(username="acme")
    client.force_login(staff.user)
    form = {"username": "АСМЕ", "usable_password": "true", "password1": PASSPHRASE, "password2": PASSPHRASE}
    response = client.post("/admin/accounts/user/add/", form)
    assert (response.status_code, list(response.context["adminform"].form.errors)) == (200, ["username"])
