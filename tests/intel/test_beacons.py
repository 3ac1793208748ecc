"""The hand-written beacon check says what CollectSerializer says, message for message, and never crashes."""

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leads.intel.api.serializers import CollectSerializer
from leads.intel.beacons import InvalidBeacon, clean_beacon
from leads.intel.sites import active_site

pytestmark = pytest.mark.django_db

NOW = int(time.time() * 1000)


def good(site, **changes) -> dict:
    page = {
        "type": "page",
        "id": "page-00000001",
        "at": NOW - 500,
        "url": "https://shop.example/a?utm_source=x",
        "title": "A",
        "referrer": "https://search.example/",
    }
    return {
        "site_key": site.key,
        "visitor": "visitor-0001",
        "session": "session-0001",
        "sent": NOW,
        "actions": [page],
        **changes,
    }


def with_action(site, **changes) -> dict:
    body = good(site)
    return {**body, "actions": [{**body["actions"][0], **changes}]}


def serializer_says(data):
    serializer = CollectSerializer(data=data)
    if serializer.is_valid():
        return None
    return json.loads(json.dumps(serializer.errors))


def hand_says(data):
    try:
        clean_beacon(data, active_site)
    except InvalidBeacon as invalid:
        return json.loads(json.dumps(invalid.errors))
    return None


def cases(site):
    identify = {"type": "identify", "id": "ident-00000001", "at": NOW}
    leave = {"type": "leave", "id": "page-00000001", "at": NOW}
    yield "not a dict", [good(site)]
    yield "text", "hello"
    yield "empty", {}
    yield "nulls", {key: None for key in good(site)}
    yield "unknown site", good(site, site_key="site_nope")
    yield "blank site key", good(site, site_key="   ")
    yield "long site key", good(site, site_key="k" * 65)
    yield "numeric site key", good(site, site_key=12345)
    yield "bool visitor", good(site, visitor=True)
    yield "short visitor", good(site, visitor="abc")
    yield "visitor with NUL", good(site, session="abc\x00defgh")
    yield "visitor with a surrogate", good(site, session="abcdefgh\ud800")
    yield "visitor of spaces around", good(site, visitor="  visitor-0001  ")
    yield "long visitor", good(site, visitor="v" * 65)
    yield "visitor as list", good(site, visitor=["visitor-0001"])
    yield "sent as text", good(site, sent="yesterday")
    yield "sent as numeric text", good(site, sent=f"{NOW}.00 ")
    yield "sent as float", good(site, sent=1.5)
    yield "sent as whole float", good(site, sent=float(NOW))
    yield "sent huge", good(site, sent=10**30)
    yield "sent negative", good(site, sent=-1)
    yield "sent long string", good(site, sent="1" * 1001)
    yield "sent bool", good(site, sent=True)
    yield "actions text", good(site, actions="page")
    yield "actions dict", good(site, actions={"a": 1})
    yield "actions empty", good(site, actions=[])
    yield "actions too many", good(site, actions=[good(site)["actions"][0]] * 51)
    yield "action null", good(site, actions=[None])
    yield "action list", good(site, actions=[[1]])
    yield "two bad actions", good(site, actions=[good(site)["actions"][0], {"type": "x"}, {}])
    yield "unknown type", with_action(site, type="purchase")
    yield "type blank", with_action(site, type="")
    yield "type number", with_action(site, type=5)
    yield "type list", with_action(site, type=["page"])
    yield "page without url", good(site, actions=[{"type": "page", "id": "page-00000001", "at": NOW}])
    yield "leave without time", good(site, actions=[leave])
    yield "identify without email", good(site, actions=[identify])
    yield "bad email", good(site, actions=[{**identify, "email": "nope"}])
    yield "email as number", good(site, actions=[{**identify, "email": 5}])
    yield "email blank", good(site, actions=[{**identify, "email": "  "}])
    yield "email too long", good(site, actions=[{**identify, "email": "a" * 250 + "@x.example"}])
    yield "email with NUL", good(site, actions=[{**identify, "email": "a\x00@x.example"}])
    yield "javascript url", with_action(site, url="javascript:alert(1)")
    yield "ftp url", with_action(site, url="ftp://shop.example/")
    yield "url no host", with_action(site, url="https://")
    yield "url of another host", with_action(site, url="https://evil.example/")
    yield "url of a subdomain", with_action(site, url="https://www.shop.example/")
    yield "url too long", with_action(site, url="https://shop.example/" + "a" * 2000)
    yield "url with NUL", with_action(site, url="https://shop.example/\x00")
    yield "url as list", with_action(site, url=["https://shop.example/"])
    yield "url with spaces", with_action(site, url="https://shop.example/a b")
    yield "url with a surrogate", with_action(site, url="https://shop.example/\udfff")
    yield "url with a zero-width space", with_action(site, url="https://shop.example/a\u200bb")
    yield "url with a right-to-left override", with_action(site, url="https://shop.example/\u202etxt.exe")
    yield "url with a byte order mark and a bad scheme", with_action(site, url="\ufeffftp://shop.example/")
    yield "url with a control character", with_action(site, url="https://shop.example/a\x1bb")
    yield "title too long", with_action(site, title="x" * 501)
    yield "title blank", with_action(site, title="   ")
    yield "title null", with_action(site, title=None)
    yield "title number", with_action(site, title=3.25)
    yield "referrer dict", with_action(site, referrer={"a": 1})
    yield "negative time on page", good(site, actions=[{**leave, "time_on_page": -1}])
    yield "long time on page", good(site, actions=[{**leave, "time_on_page": 86_401}])
    yield "time on page text", good(site, actions=[{**leave, "time_on_page": "12"}])
    yield "action last week", with_action(site, at=NOW - 8 * 86400 * 1000)
    yield "action after sending", with_action(site, at=NOW + 1)
    yield "id too short", with_action(site, id="p1")
    yield "name too long", good(site, actions=[{**identify, "email": "a@b.example", "name": "n" * 201}])
    yield "valid identify", good(site, actions=[{**identify, "email": " A@B.example ", "name": ""}])
    yield "valid leave", good(site, actions=[{**leave, "time_on_page": "42.0"}])
    yield "valid", good(site)


def test_every_case_gets_the_serializers_answer(site):
    for label, data in cases(site):
        assert hand_says(data) == serializer_says(data), label


def test_the_clean_batch_is_the_serializers_validated_data(site):
    data = good(site, visitor=" visitor-0001 ", sent=str(NOW))
    serializer = CollectSerializer(data=data)
    assert serializer.is_valid()
    expected = {key: serializer.validated_data[key] for key in ("visitor", "session", "sent")}
    expected["actions"] = [dict(action) for action in serializer.validated_data["actions"]]
    found_site, batch = clean_beacon(data, active_site)
    assert (found_site.pk, batch) == (site.pk, expected)


def test_an_url_python_cannot_split_is_a_field_error_not_a_crash(site):
    assert hand_says(with_action(site, url="http://[::1")) == {"actions": {"0": {"url": ["Enter a valid URL."]}}}


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=6,
)
ACTION_KEYS = ["type", "id", "at", "url", "title", "referrer", "time_on_page", "email", "name"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    top=st.dictionaries(st.sampled_from(["visitor", "session", "sent", "actions"]), JSON_VALUES, max_size=2),
    action=st.dictionaries(st.sampled_from(ACTION_KEYS), JSON_VALUES, max_size=3),
)
def test_random_values_get_the_serializers_answer(site, top, action):
    body = good(site)
    data = {**body, "actions": [{**body["actions"][0], **action}], **top}
    assert hand_says(data) == serializer_says(data)
