"""The one rule for the characters of a URL the platform is given: no invisible, bidirectional or
control characters (each surface's own test checks that its URL fields use it)."""

import pytest
from django.core.exceptions import ValidationError

from leadplatform.url_input import first_hidden_character, refuse_hidden_characters
from leads.admin_forms import WebJobForm
from leads.web.admin import WebhookForm
from tasks.pages import CompleteTaskForm

#: Zero-width and direction marks, bidirectional embeddings, overrides and isolates, the byte
#: order mark, C0 and C1 controls, a soft hyphen, the line separator.
HIDDEN = [
    *map(chr, range(0x200B, 0x2010)),
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
    "\ufeff",
    "\x01",
    "\x1f",
    "\x7f",
    "\x85",
    "\u00ad",
    "\u2028",
]


@pytest.mark.parametrize("char", HIDDEN, ids=lambda char: f"U+{ord(char):04X}")
def test_a_url_holding_a_hidden_character_is_refused(char):
    with pytest.raises(ValidationError, match=f"U\\+{ord(char):04X}"):
        refuse_hidden_characters(f"https://shop.example/a{char}b")


@pytest.mark.parametrize(
    "url", ["https://shop.example/a?b=c#d", "https://bücher.example/straße", "https://shop.example/%E2%80%8B"]
)
def test_visible_and_percent_encoded_characters_pass(url):
    assert first_hidden_character(url) is None


@pytest.mark.parametrize(
    ("form", "field"),
    [(WebJobForm, "url"), (WebhookForm, "url"), (CompleteTaskForm, "post_url")],
    ids=["admin-web-job", "admin-webhook", "influencer-page-complete"],
)
def test_the_forms_that_take_a_url_refuse_hidden_characters(form, field):
    assert refuse_hidden_characters in form.base_fields[field].validators
