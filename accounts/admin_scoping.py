"""Admin base classes: what an advertiser member sees and edits is their advertiser's rows only.

`TenantScopedAdmin` scopes the changelist, every foreign-key and many-to-many choice,
and sets the advertiser of new rows from the member, never from the form. A member's
view, add, change and delete, and every changelist action, ask the grant rule the API asks
(`accounts.grants`): viewing needs the admin's `read_role`, writing its `write_role`
(viewer and manager by default, as on the API's tenant routes); a held advertiser's
members, removed members and inactive users get nothing. Platform staff use Django's own
permissions. An action that does not declare its permissions needs change permission.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime
from django.db import models

from leadplatform.admin_changelist import PlatformChangeList

from . import grants
from .models import Membership
from .principal import Principal
from .scoping import TenantScopedQuerySet


def admin_principal(request) -> Principal:
    cached = getattr(request, "_admin_principal", None)
    if cached is None:
        cached = request._admin_principal = Principal.for_user(request.user)
    return cached


def scoped_choices(model, request):
    queryset = model._default_manager.all()
    principal = admin_principal(request)
    if isinstance(queryset, TenantScopedQuerySet):
        return queryset.for_principal(principal)
    return queryset


# A link typed without a scheme ("shop.example") is taken as https, Django 6.0's default.
LINK_FIELD_OPTIONS = {"assume_scheme": "https"}


def link_aware_formfield(db_field, **kwargs):
    """`Meta.formfield_callback` for hand-written model forms: their link fields assume https too."""
    if isinstance(db_field, models.URLField):
        kwargs = {**LINK_FIELD_OPTIONS, **kwargs}
    return db_field.formfield(**kwargs)


def member_may(request, least_role: str) -> bool:
    """Whether the admin's member may do what needs `least_role` (the API's rule); False for anyone else."""
    return request.user.is_authenticated and grants.member_may(admin_principal(request), least_role)


class PlatformModelAdmin(admin.ModelAdmin):
    """What every admin screen of the platform shares."""

    formfield_overrides = {models.URLField: LINK_FIELD_OPTIONS}

    class Media:
        js = ["leadplatform/admin-accessibility.js"]

    def get_changelist(self, request, **kwargs):
        return PlatformChangeList

    def _filter_actions_by_permissions(self, request, actions):
        # Django offers an action that names no permissions to anyone who sees the list: a viewer could
        # run it. Here such an action needs change permission; the read-only ones (exports) say "view".
        return [
            action
            for action in actions
            if any(
                getattr(self, f"has_{permission}_permission")(request)
                for permission in getattr(action[0], "allowed_permissions", ("change",))
            )
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            name_split_datetime_inputs(formfield.widget, str(db_field.verbose_name))
        return formfield


def name_split_datetime_inputs(widget, field_name: str) -> None:
    """Admin's date-time field is two inputs under one label that names neither: give each its own name."""
    widget = getattr(widget, "widget", widget)  # under the related-field wrapper, if any
    if isinstance(widget, AdminSplitDateTime):
        date_input, time_input = widget.widgets
        date_input.attrs.setdefault("aria-label", f"{field_name.capitalize()}: date")
        time_input.attrs.setdefault("aria-label", f"{field_name.capitalize()}: time")


class PlatformOnlyAdmin(PlatformModelAdmin):
    """Rows that belong to the platform, not to a tenant: staff only."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_staff and super().has_module_permission(request)


class TenantScopedAdmin(PlatformModelAdmin):
    #: Name of the model's own advertiser field, filled from the member on create.
    tenant_field: str | None = "advertiser"
    #: Least member role to view, and to add, change, delete or run an action (as the API's route that
    #: does the same thing asks).
    read_role: str = Membership.Role.VIEWER
    write_role: str = Membership.Role.MANAGER

    def get_queryset(self, request):
        return super().get_queryset(request).for_principal(admin_principal(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", scoped_choices(db_field.related_model, request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", scoped_choices(db_field.related_model, request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if self.tenant_field and not request.user.is_staff:
            exclude.append(self.tenant_field)
        return exclude

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if self.tenant_field and not request.user.is_staff:
            fields = [field for field in fields if field != self.tenant_field]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.tenant_field or request.user.is_staff:
            return fieldsets
        return [
            (title, {**options, "fields": [field for field in options["fields"] if field != self.tenant_field]})
            for title, options in fieldsets
        ]

    def save_model(self, request, obj, form, change):
        principal = admin_principal(request)
        if self.tenant_field and not principal.is_platform:
            setattr(obj, f"{self.tenant_field}_id", principal.advertiser_id)
        super().save_model(request, obj, form, change)

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if not request.user.is_staff and self.tenant_field in filters:
            filters.remove(self.tenant_field)
        return filters

    # Permissions: staff by Django permissions; members by the grant rule.
    def _member_may(self, request, least_role: str) -> bool | None:
        if request.user.is_staff:
            return None
        return member_may(request, least_role)

    def has_module_permission(self, request) -> bool:
        allowed = self._member_may(request, self.read_role)
        return super().has_module_permission(request) if allowed is None else allowed

    def has_view_permission(self, request, obj=None) -> bool:
        allowed = self._member_may(request, self.read_role)
        return super().has_view_permission(request, obj) if allowed is None else allowed

    def has_add_permission(self, request) -> bool:
        allowed = self._member_may(request, self.write_role)
        return super().has_add_permission(request) if allowed is None else allowed

    def has_change_permission(self, request, obj=None) -> bool:
        allowed = self._member_may(request, self.write_role)
        return super().has_change_permission(request, obj) if allowed is None else allowed

    def has_delete_permission(self, request, obj=None) -> bool:
        allowed = self._member_may(request, self.write_role)
        return super().has_delete_permission(request, obj) if allowed is None else allowed


class StaffEditedAdmin(TenantScopedAdmin):
    """Rows the platform writes: members see the ones scoped to them, staff alone add, change and delete."""

    def has_add_permission(self, request) -> bool:
        return request.user.is_staff and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_staff and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_staff and super().has_delete_permission(request, obj)
