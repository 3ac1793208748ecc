"""Influencer registration through a client application, refused with a field error when the name is taken."""

import pytest

from accounts import publishers
from leadplatform.domain import InvalidInput

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def test_register_publisher_refuses_a_taken_name_raced_past_validation():
    taken = UserFactory()
    with pytest.raises(InvalidInput) as refused:
        publishers.register_publisher(username=taken.username, email="new@example.com", password="a-long-passphrase")
    assert refused.value.errors == {"username": "This username or e-mail is taken."}
