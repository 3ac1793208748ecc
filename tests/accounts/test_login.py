"""Login by username or e-mail; unique e-mail."""

import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError

from ..factories import PASSWORD, PublisherFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_login_by_username():
    user = UserFactory()
    assert authenticate(username=user.username, password=PASSWORD) == user


def test_login_by_email_case_insensitive():
    user = UserFactory()
    assert authenticate(username=user.email.upper(), password=PASSWORD) == user


def test_wrong_password_fails():
    user = UserFactory()
    assert authenticate(username=user.username, password="x") is None


def test_banned_publisher_cannot_log_in():
    publisher = PublisherFactory(banned=True)
    assert authenticate(username=publisher.user.username, password=PASSWORD) is None


def test_email_is_unique():
    user = UserFactory()
    with pytest.raises(IntegrityError):
        UserFactory(email=user.email)
