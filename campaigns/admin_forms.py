"""The campaign admin form: hashtags as tags, networks as checkboxes, the description in a sanitised rich-text editor."""

from __future__ import annotations

from django import forms

from accounts.models import Network
from leadplatform.widgets import RichTextEditor, TagInput

from . import sanitize
from .hashtags import MAX_HASHTAGS, parse_hashtags
from .models import Campaign


class HashtagsField(forms.Field):
    """Typed "summer, #AcmeOutdoor" (or chips), cleaned to ["#summer", "#AcmeOutdoor"]."""

    widget = TagInput

    def to_python(self, value) -> list[str]:
        return parse_hashtags(value)

    def has_changed(self, initial, data) -> bool:
        try:
            return parse_hashtags(initial) != parse_hashtags(data)
        except forms.ValidationError:
            return True


class CampaignAdminForm(forms.ModelForm):
    hashtags = HashtagsField(
        required=False,
        help_text=f"Hashtags influencers must use, up to {MAX_HASHTAGS}. Press Enter or type a comma after each; "
        "the # is added for you.",
    )
    networks = forms.MultipleChoiceField(
        choices=Network.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Where influencers may post for this campaign.",
    )
    description = forms.CharField(
        required=False,
        max_length=Campaign._meta.get_field("description").max_length,
        widget=RichTextEditor(
            sanitize.sanitize_html,
            tags=sanitize.ALLOWED_TAGS,
            attributes=sanitize.ALLOWED_ATTRIBUTES,
            url_schemes=sanitize.ALLOWED_URL_SCHEMES,
        ),
        help_text="What influencers read about the campaign. Headings, lists, links and emphasis are kept; "
        "scripts, styles and images are removed when saved.",
    )

    class Meta:
        model = Campaign
        exclude = ["status", "created_at"]  # moved by the status actions; set once

    def clean_description(self) -> str:
        return sanitize.sanitize_html(self.cleaned_data["description"])
