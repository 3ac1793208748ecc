"""Admin forms of the leads app: typed fields instead of JSON for job filters, web-job selectors and crawl
settings, and hosted-scraper actors.

Each structured value is validated by the same function the API uses (`V1JobFiltersSerializer`,
`leads.engine.spec.parse_selectors` / `parse_config`, `leads.credentials.actors_errors`), so admin and
API accept and refuse the same things.
"""

from __future__ import annotations

import json

from django import forms
from django.utils.html import format_html, format_html_join

from accounts.admin_scoping import link_aware_formfield
from leadplatform.domain import InvalidInput
from leadplatform.stored_text import refuse_null_characters
from leadplatform.url_input import refuse_hidden_characters
from leadplatform.widgets import WIDGET_CSS, TagInput

from . import credentials, schedules
from .api.v1.serializers import V1JobFiltersSerializer
from .connectors.base import CAPABILITY_FOR_KIND
from .connectors.hosted_scraper import DEFAULT_FIELDS, DEFAULT_INPUT, MAPPABLE_FIELDS
from .engine import spec
from .jobs import schedule
from .models import ConnectorCredential, JobDispatch, SocialJob, WebJob
from .web import jobs as webjobs


def _errors_to_fields(form: forms.BaseForm, errors: dict, prefix: str) -> None:
    """Put {key: message(s)} from a shared validator on the form's `prefix + key` field (else on the form)."""
    for key, messages in errors.items():
        field = f"{prefix}{key}"
        for message in messages if isinstance(messages, list | tuple) else [messages]:
            form.add_error(field if field in form.fields else None, str(message))


class StoredValueForViewers:
    """Admin mixin: who may only view sees the stored value in place of the typed fields that edit it
    (a form field that is not on the model would show as "-" read-only)."""

    #: model field → prefix of the typed form fields that edit it
    typed_fields: dict[str, str] = {}

    def _stored_in_place(self, names, seen: set[str]) -> list[str]:
        shown = []
        for name in names:
            stored = next((field for field, prefix in self.typed_fields.items() if name.startswith(prefix)), name)
            if stored not in seen:
                seen.add(stored)
                shown.append(stored)
        return shown

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        seen: set[str] = set()
        shown = [
            (title, {**options, "fields": self._stored_in_place(options["fields"], seen)})
            for title, options in fieldsets
        ]
        return [(title, options) for title, options in shown if options["fields"]]


# ---------------------------------------------------------------------------------------
# Social jobs: filters
# ---------------------------------------------------------------------------------------
class CommaListField(forms.Field):
    """A list typed as "a, b, c" (or as chips with the tag input)."""

    widget = TagInput

    def to_python(self, value) -> list[str]:
        if isinstance(value, list):
            return [str(item).strip() for item in value if str(item).strip()]
        return [part.strip() for part in (value or "").split(",") if part.strip()]


ANY_YES_NO = [("unknown", "Any"), ("true", "Yes"), ("false", "No")]


class SocialJobFiltersFields(forms.Form):
    """The filters a job applies before storing a lead (`leads.jobs.run.passes_filters`)."""

    filter_min_followers = forms.IntegerField(
        label="Minimum followers", required=False, help_text="Leads with fewer followers are skipped."
    )
    filter_max_followers = forms.IntegerField(
        label="Maximum followers", required=False, help_text="Leads with more followers are skipped."
    )
    filter_has_email = forms.BooleanField(label="Only leads with a public e-mail", required=False)
    filter_verified = forms.NullBooleanField(
        label="Verified accounts", required=False, widget=forms.Select(choices=ANY_YES_NO)
    )
    filter_business = forms.NullBooleanField(
        label="Business accounts", required=False, widget=forms.Select(choices=ANY_YES_NO)
    )
    filter_bio_keywords = CommaListField(
        label="Bio keywords", required=False, help_text="Keep leads whose bio contains any of these words."
    )

    FILTER_KEYS = ("min_followers", "max_followers", "has_email", "verified", "business", "bio_keywords")

    def initial_filters(self, filters: dict) -> None:
        for key in self.FILTER_KEYS:
            if key in (filters or {}):
                self.initial[f"filter_{key}"] = filters[key]

    def filters_from_fields(self) -> dict | None:
        """The filters as stored, validated by the API's serializer; None (and field errors) when refused."""
        given = {key: self.cleaned_data.get(f"filter_{key}") for key in self.FILTER_KEYS}
        given = {key: value for key, value in given.items() if value is not None and value != []}
        if not given.get("has_email"):  # unticked means "any", not "without an e-mail"
            given.pop("has_email", None)
        serializer = V1JobFiltersSerializer(data=given)
        if serializer.is_valid():
            return serializer.validated_data
        _errors_to_fields(self, _flatten(serializer.errors), "filter_")
        return None


def _flatten(errors: dict) -> dict[str, list[str]]:
    """DRF errors of a list field come as {index: [...]}: one message list per field."""
    flat = {}
    for key, value in errors.items():
        if isinstance(value, dict):
            flat[key] = [
                f"“{key}” item {int(index) + 1}: {message}" for index, messages in value.items() for message in messages
            ]
        else:
            flat[key] = list(value)
    return flat


class SocialJobForm(SocialJobFiltersFields, forms.ModelForm):
    schedule_interval_seconds = forms.IntegerField(
        required=False,
        min_value=schedules.MIN_INTERVAL_SECONDS,
        max_value=schedules.MAX_INTERVAL_SECONDS,
        label="Run every (seconds)",
        help_text="Run every N seconds (django-celery-beat).",
    )
    schedule_crontab = forms.CharField(
        required=False,
        max_length=100,
        label="Run on crontab (UTC)",
        help_text='Or five crontab fields in UTC, e.g. "0 6 * * 1".',
    )
    max_retries = forms.IntegerField(
        min_value=0,
        max_value=10,
        required=False,
        label="Retries of a failed run",
        help_text="Automatic retries, 0 to 10.",
    )

    class Meta:
        model = SocialJob
        fields = [
            "advertiser",
            "name",
            "kind",
            "platform",
            "targets",
            "speed_mode",
            "priority",
            "max_leads",
            "max_leads_per_target",
            "group_id",
            "group_name",
            "max_posts",
        ]
        labels = {
            "max_leads": "Most leads",
            "max_leads_per_target": "Most leads per target",
            "group_id": "Facebook group id",
            "group_name": "Facebook group name",
            "max_posts": "Most group posts",
        }
        help_texts = {
            "max_leads": "The job stops after storing this many leads; blank: no limit.",
            "max_leads_per_target": "Per target (account, hashtag or post); blank: no limit.",
            "group_id": "Group-post jobs only.",
            "group_name": "Group-post jobs only; shown in lists.",
            "max_posts": "Group-post jobs only: posts read at most; blank: no limit.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "kind" in self.fields:
            self.fields["kind"].choices = [
                (kind, label) for kind, label in self.fields["kind"].choices if kind in CAPABILITY_FOR_KIND
            ]
        self.initial_filters(self.instance.filters)
        described = schedule.describe_schedule(self.instance) if self.instance.pk else None
        if described:
            self.initial["schedule_interval_seconds"] = described["interval_seconds"]
            self.initial["schedule_crontab"] = described["crontab"]
        dispatch = JobDispatch.objects.filter(job_id=self.instance.pk).first() if self.instance.pk else None
        if dispatch:
            self.initial["max_retries"] = dispatch.max_retries

    def clean_schedule_crontab(self):
        value = (self.cleaned_data.get("schedule_crontab") or "").strip()
        if value:
            try:
                value = schedules.check_crontab(value)
            except schedules.ScheduleError as exc:
                raise forms.ValidationError(str(exc)) from None
        return value

    def clean(self):
        cleaned = super().clean()
        self.filters = self.filters_from_fields()
        if cleaned.get("schedule_interval_seconds") and cleaned.get("schedule_crontab"):
            raise forms.ValidationError("Give an interval or a crontab, not both.")
        targets = cleaned.get("targets")
        advertiser = cleaned.get("advertiser") or getattr(self.instance, "advertiser", None)
        if targets is not None and advertiser is not None and any(t.advertiser_id != advertiser.pk for t in targets):
            raise forms.ValidationError("Every target must belong to the job's advertiser.")
        return cleaned

    def save(self, commit=True):
        self.instance.filters = self.filters
        return super().save(commit)


# ---------------------------------------------------------------------------------------
# Web jobs: selectors as rows, crawl settings as typed fields
# ---------------------------------------------------------------------------------------
EXTRA_SELECTOR_ROWS = 3


class SelectorRowsWidget(forms.Widget):
    """Rows of name / CSS or XPath selector / attribute, each with its own error; blank rows are ignored.

    Posted as `<name>-rows` (the row count) and `<name>-<i>-name|selector|attribute`.
    """

    class Media:
        css = WIDGET_CSS

    def value_from_datadict(self, data, files, name) -> list[tuple[str, str, str]]:
        try:
            count = min(int(data.get(f"{name}-rows", 0)), spec.MAX_SELECTORS + EXTRA_SELECTOR_ROWS)
        except (TypeError, ValueError):
            count = 0
        return [
            tuple(str(data.get(f"{name}-{index}-{part}", "")) for part in ("name", "selector", "attribute"))
            for index in range(count)
        ]

    def value_omitted_from_data(self, data, files, name) -> bool:
        return f"{name}-rows" not in data

    def render(self, name, value, attrs=None, renderer=None):
        checked = isinstance(value, list)  # rows as posted: show why each is refused
        if checked:  # trailing blank rows go; blank rows between keep the numbering of the error messages
            rows = list(value)
            while rows and not any(part.strip() for part in rows[-1]):
                rows.pop()
        else:
            rows = [(key, *spec.split_selector(expr)) for key, expr in (value or {}).items()]
        rows = [*rows, *[("", "", "")] * EXTRA_SELECTOR_ROWS]
        body = format_html_join("", "{}", ((self._row(name, index, row, checked),) for index, row in enumerate(rows)))
        return format_html(
            '<table class="selector-rows"><thead><tr><th>Name</th><th>CSS or XPath selector</th>'
            "<th>Attribute (optional)</th></tr></thead><tbody>{}</tbody></table>"
            '<input type="hidden" name="{}-rows" value="{}">',
            body,
            name,
            len(rows),
        )

    @staticmethod
    def _row(name: str, index: int, row: tuple[str, str, str], checked: bool):
        error = selector_row_error(row) if checked else None
        cells = format_html_join(
            "",
            '<td><input type="text" name="{0}-{1}-{2}" id="id_{0}-{1}-{2}" value="{3}" aria-label="{4}"{5}></td>',
            (
                (name, index, part, value, f"Selector {index + 1}: {label}", format_html(' size="{}"', size))
                for part, value, label, size in zip(
                    ("name", "selector", "attribute"), row, ("name", "selector", "attribute"), (16, 48, 10), strict=True
                )
            ),
        )
        if not error:
            return format_html("<tr>{}</tr>", cells)
        return format_html(
            '<tr class="selector-row-refused">{}</tr><tr><td colspan="3"><ul class="errorlist"><li>{}</li></ul></td></tr>',
            cells,
            error,
        )


def selector_row_error(row: tuple[str, str, str]) -> str | None:
    """Why one row is refused (None when fine or blank)."""
    name, selector, attribute = (part.strip() for part in row)
    if not (name or selector or attribute):
        return None
    if not name or not selector:
        return "Give both a name and a selector."
    try:
        return spec.selector_error(name, spec.selector_expression(selector, attribute))
    except ValueError as exc:
        return str(exc)


class SelectorRowsField(forms.Field):
    widget = SelectorRowsWidget

    def to_python(self, value) -> dict[str, str]:
        if isinstance(value, dict):  # the initial value
            return spec.parse_selectors(value)
        selectors, errors = {}, []
        for number, row in enumerate(value or [], start=1):
            if not any(part.strip() for part in row):
                continue
            error = selector_row_error(row)
            name = row[0].strip()
            if error is None and name in selectors:
                error = f"“{name}” is used twice; names must differ."
            if error:
                errors.append(f"Row {number}: {error}")
            else:
                selectors[name] = spec.selector_expression(row[1], row[2])
        if errors:
            raise forms.ValidationError(errors)
        try:
            return spec.parse_selectors(selectors)
        except ValueError as exc:
            raise forms.ValidationError(list(exc.args[0].values())) from None

    def has_changed(self, initial, data) -> bool:
        try:
            return self.to_python(initial or {}) != self.to_python(data)
        except forms.ValidationError:
            return True


CONFIG_LABELS = {
    "max_pages": "Most pages",
    "follow_links": "Follow links",
    "max_depth": "Most link hops",
    "next_page": "Next-page link selector",
    "link_selector": "Links-to-follow selector",
    "respect_robots": "Respect robots.txt",
    "concurrency": "Pages at once",
    "per_host": "Requests at once per host",
    "delay": "Delay per host (seconds)",
    "timeout": "Request timeout (seconds)",
    "retries": "Retries per request",
    "use_proxies": "Use the proxy pool",
    "render_wait_ms": "Extra wait after load (ms)",
    "wait_for": "Wait for selector",
}


def _config_field(name: str, option: spec.Option) -> forms.Field:
    """A typed field for one crawl setting; its bounds and rules stay in `spec.parse_config`."""
    common = {"label": CONFIG_LABELS.get(name, name), "required": False, "help_text": option.help}
    if option.kind is bool:
        return forms.BooleanField(initial=option.default, **common)
    placeholder = "auto" if option.default is None else str(option.default)
    attrs = {"placeholder": placeholder}
    if option.kind is str:
        return forms.CharField(widget=forms.TextInput(attrs={**attrs, "size": 40}), **common)
    attrs.update({"min": option.minimum, "max": option.maximum, "step": 1 if option.kind is int else "any"})
    widget = forms.NumberInput(attrs={key: value for key, value in attrs.items() if value is not None})
    field_class = forms.IntegerField if option.kind is int else forms.FloatField
    return field_class(widget=widget, **common)


CONFIG_PREFIX = "config_"
#: The crawl settings' fields, declared on a base form so the admin's fieldsets can name them.
CrawlConfigFields = type(
    "CrawlConfigFields",
    (forms.Form,),
    {f"{CONFIG_PREFIX}{name}": _config_field(name, option) for name, option in spec._options().items()},
)


class WebJobForm(CrawlConfigFields, forms.ModelForm):
    url = forms.URLField(
        max_length=2000, assume_scheme="https", label="Start URL", validators=[refuse_hidden_characters]
    )
    priority = forms.TypedChoiceField(
        choices=[(value, name.capitalize()) for name, value in spec.PRIORITIES.items()],
        coerce=int,
        initial=0,
        help_text="Higher runs first; it also sets the default politeness (pages at once, delay).",
    )
    selectors = SelectorRowsField(
        required=False,
        help_text="What to extract from each page: a name, a CSS selector (h1.title, span.price::text) or an "
        "XPath (//h1), and optionally the attribute to read (href, src). None: the page title.",
    )

    class Meta:
        model = WebJob
        fields = ["name", "url", "engine", "priority", "selectors"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, value in (self.instance.config or {}).items():
            self.initial.setdefault(f"{CONFIG_PREFIX}{name}", value)
        if self.instance.pk:  # the crawl reads any stored number as low, normal or high
            self.initial["priority"] = max(-1, min(1, self.instance.priority))

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            webjobs.check_target_url(url)
        except InvalidInput as exc:
            raise forms.ValidationError(exc.errors.get("url", ["The destination is not allowed."])) from None
        return url

    def clean(self):
        cleaned = super().clean()
        self.config = None
        given = {}
        for name, option in spec._options().items():
            field = f"{CONFIG_PREFIX}{name}"
            if field in self.errors:
                return cleaned
            value = cleaned.get(field)
            if option.kind is bool or value not in (None, ""):
                given[name] = value
        try:
            self.config = spec.parse_config(given)
        except ValueError as exc:
            _errors_to_fields(self, exc.args[0], CONFIG_PREFIX)
        return cleaned

    def save(self, commit=True):
        self.instance.config = self.config
        return super().save(commit)


# ---------------------------------------------------------------------------------------
# Connector credentials: labelled secrets, actors per job kind
# ---------------------------------------------------------------------------------------
ACTOR_PREFIX = "actor_"


def _actor_fields(kind: str) -> dict[str, forms.Field]:
    words = kind.replace("_", " ")
    fields = {
        f"{ACTOR_PREFIX}{kind}_id": forms.CharField(
            label="Actor ID",
            required=False,
            max_length=200,
            help_text=f"The provider's actor (or saved task) that serves {words} jobs, e.g. user~{kind.replace('_', '-')}-scraper. "
            "Blank: this credential does not serve them.",
        ),
        f"{ACTOR_PREFIX}{kind}_task": forms.BooleanField(
            label="It is a saved task", required=False, help_text="The id names a saved task, not an actor."
        ),
        f"{ACTOR_PREFIX}{kind}_input": forms.JSONField(
            label="Run input",
            required=False,
            validators=[refuse_null_characters],
            widget=forms.Textarea(
                attrs={"rows": 3, "cols": 60, "placeholder": json.dumps(DEFAULT_INPUT.get(kind, {}))}
            ),
            help_text="The provider's own input object, in its own format; blank uses the placeholder's. "
            "{identifier} and {limit} are filled in per target.",
        ),
    }
    for lead_field in MAPPABLE_FIELDS.get(kind, ()):
        default = DEFAULT_FIELDS.get(kind, {}).get(lead_field, "")
        fields[f"{ACTOR_PREFIX}{kind}_field_{lead_field}"] = forms.CharField(
            label=f"{lead_field.replace('_', ' ').capitalize()} from",
            required=False,
            max_length=200,
            widget=forms.TextInput(attrs={"placeholder": default or "not read"}),
            help_text=f"Dataset field holding the {lead_field.replace('_', ' ')} (dots for nested fields); "
            f"blank: {default or 'not read'}.",
        )
    return fields


#: One group of fields per job kind a hosted scraper can serve.
ActorFields = type(
    "ActorFields",
    (forms.Form,),
    {name: field for kind in CAPABILITY_FOR_KIND for name, field in _actor_fields(kind).items()},
)


def actor_fieldsets() -> list[tuple[str, dict]]:
    return [
        (
            f"Hosted scraper: {kind.replace('_', ' ')} actor",
            {
                "classes": ["collapse"],
                "fields": [name for name in ActorFields.base_fields if name.startswith(f"{ACTOR_PREFIX}{kind}_")],
            },
        )
        for kind in CAPABILITY_FOR_KIND
    ]


class ConnectorCredentialForm(ActorFields, forms.ModelForm):
    secret = forms.CharField(
        label="Access token or API token",
        required=False,
        widget=forms.PasswordInput(render_value=False),
        max_length=2000,
        help_text="The Graph API access token or the hosted scraper's API token. Stored encrypted; "
        "leave blank to keep the current one.",
    )
    app_secret = forms.CharField(
        label="Meta app secret",
        required=False,
        widget=forms.PasswordInput(render_value=False),
        max_length=200,
        help_text="The secret of the Meta app (Graph API token refresh). Stored encrypted; leave blank to keep the current one.",
    )

    class Meta:
        model = ConnectorCredential
        formfield_callback = link_aware_formfield
        fields = [
            "advertiser",
            "name",
            "provider",
            "platform",
            "base_url",
            "account_id",
            "hashtag_quota",
            "requests_per_second",
            "active",
            "app_id",
            "token_expires_at",
        ]
        labels = {
            "base_url": "Base URL",
            "account_id": "Account id",
            "app_id": "Meta app id",
            "hashtag_quota": "Hashtag quota",
            "token_expires_at": "Access token expires at",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unshown_fields: dict[str, dict] = {}  # stored mappings of fields no connector reads: kept as they are
        for kind, actor in (self.instance.actors or {}).items():
            if not isinstance(actor, dict):
                continue
            self.initial[f"{ACTOR_PREFIX}{kind}_id"] = actor.get("actor_id", "")
            self.initial[f"{ACTOR_PREFIX}{kind}_task"] = bool(actor.get("task"))
            self.initial[f"{ACTOR_PREFIX}{kind}_input"] = actor.get("input")
            for lead_field, path in (actor.get("fields") or {}).items():
                if lead_field in MAPPABLE_FIELDS.get(kind, ()):
                    self.initial[f"{ACTOR_PREFIX}{kind}_field_{lead_field}"] = path
                else:
                    self.unshown_fields.setdefault(kind, {})[lead_field] = path

    def clean(self):
        cleaned = super().clean()
        self.actors = {}
        for kind in CAPABILITY_FOR_KIND:
            actor = self._actor_of(kind, cleaned)
            if actor:
                self.actors[kind] = actor
        for message in credentials.actors_errors(self.actors):
            self.add_error(None, message)
        return cleaned

    def _actor_of(self, kind: str, cleaned: dict) -> dict | None:
        prefix = f"{ACTOR_PREFIX}{kind}_"
        actor_id = (cleaned.get(f"{prefix}id") or "").strip()
        run_input = cleaned.get(f"{prefix}input")
        fields = {
            name.removeprefix(f"{prefix}field_"): value.strip()
            for name, value in cleaned.items()
            if name.startswith(f"{prefix}field_") and (value or "").strip()
        }
        if not actor_id:
            if cleaned.get(f"{prefix}task") or run_input or fields:
                self.add_error(f"{prefix}id", "Give the actor id, or clear this job kind's other settings.")
            return None
        if run_input not in (None, "") and not isinstance(run_input, dict):
            self.add_error(f"{prefix}input", "The run input is an object: {…}.")
            return None
        fields = {**self.unshown_fields.get(kind, {}), **fields}
        actor = {"actor_id": actor_id}
        if cleaned.get(f"{prefix}task"):
            actor["task"] = True
        if run_input:
            actor["input"] = run_input
        if fields:
            actor["fields"] = fields
        return actor

    def save(self, commit=True):
        credential = super().save(commit=False)
        credential.actors = self.actors
        if self.cleaned_data.get("secret"):
            credential.set_secret(self.cleaned_data["secret"])
        if self.cleaned_data.get("app_secret"):
            credential.set_app_secret(self.cleaned_data["app_secret"])
        if commit:
            credential.save()
        return credential


CREDENTIAL_FIELDSETS = [
    (None, {"fields": ["advertiser", "name", "provider", "platform", "base_url", "account_id", "active"]}),
    ("Access token", {"fields": ["secret", "masked", "token_expires_at", "token_refreshed_at", "token_refresh_error"]}),
    ("Meta app (Graph API token refresh)", {"fields": ["app_id", "app_secret"]}),
    ("Limits", {"fields": ["hashtag_quota", "requests_per_second"]}),
    *actor_fieldsets(),
    ("History", {"fields": ["created_at"]}),
]
