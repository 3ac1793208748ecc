"""Admin form widgets that work without JavaScript and get better with it.

`TagInput` is a comma-separated text field that static/widgets/tag-input.js turns into tag chips;
`RichTextEditor` is an HTML textarea that static/widgets/rich-text.js turns into a small
contenteditable editor with a live preview. The stored value is always what the server's own
parsing or sanitising returns.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django import forms
from django.utils.html import format_html
from django.utils.safestring import mark_safe

WIDGET_CSS = {"all": ["widgets/widgets.css"]}


class TagInput(forms.TextInput):
    """A list shown as "a, b, c"; with JS, typing a comma or Enter adds a chip."""

    class Media:
        js = ["widgets/tag-input.js"]
        css = WIDGET_CSS

    def __init__(self, attrs=None, placeholder: str = "Type and press Enter or comma"):
        super().__init__({"data-tag-input": "", "placeholder": placeholder, "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(item) for item in value)
        return super().format_value(value)


class RichTextEditor(forms.Textarea):
    """An HTML textarea plus a preview of the sanitised HTML; with JS, a formatting toolbar and a live preview.

    `sanitize` is the server's sanitiser; its allowed tags, attributes and URL schemes are handed to the
    script (data attributes) so the live preview keeps and drops what the server will.
    """

    class Media:
        js = ["widgets/rich-text.js"]
        css = WIDGET_CSS

    def __init__(self, sanitize: Callable[[str], str], *, tags, attributes, url_schemes, attrs=None):
        self.sanitize = sanitize
        rules = {
            "data-rich-text": "",
            "data-allowed-tags": " ".join(sorted(tags)),
            "data-allowed-attributes": json.dumps({tag: sorted(names) for tag, names in attributes.items()}),
            "data-allowed-schemes": " ".join(sorted(url_schemes)),
            "rows": 12,
        }
        super().__init__({**rules, **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        textarea = super().render(name, value, attrs, renderer)
        preview_id = f"{(attrs or {}).get('id') or 'id_' + name}_preview"
        return format_html(
            '<div class="rich-text-field">{}<div class="rich-text-preview-block">'
            '<p class="rich-text-preview-title">Preview (as saved)</p>'
            '<div class="rich-text-preview" id="{}" aria-live="polite">{}</div></div></div>',
            textarea,
            preview_id,
            mark_safe(self.sanitize(value or "")),  # sanitised by the server's own rules
        )
