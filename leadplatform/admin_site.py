"""The admin site: platform staff and advertiser members (who are not Django staff) may enter.

A member enters while their grant holds, by the rule the API asks (`accounts.grants`): a held
advertiser's members get a 403 page saying why, on every admin page but logout, as the API
answers them 403; a removed member or an inactive user is sent to the login page.
"""

from functools import wraps

from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from accounts import grants
from accounts.admin_scoping import admin_principal
from accounts.demo import DEMO_PASSWORD, demo_logins
from accounts.models import Membership

from . import dashboard

HELD_REASONS = {
    grants.Refusal.ADVERTISER_SUSPENDED: "The advertiser is suspended: its members cannot use the platform "
    "until it is reactivated.",
    grants.Refusal.ADVERTISER_INACTIVE: "The advertiser is inactive: its account is closed until the platform "
    "reactivates it.",
}


class MemberAdminAuthenticationForm(AdminAuthenticationForm):
    """Django's admin login accepts staff only; advertiser members log in here too."""

    # Django's message asks for "a staff account": advertisers are not staff.
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": "The username and password do not match an account that can use the admin: an "
        "advertiser's team member or a platform admin. Both fields are case-sensitive.",
    }

    def confirm_login_allowed(self, user) -> None:
        if user.is_staff or user.memberships.exists():
            AuthenticationForm.confirm_login_allowed(self, user)
        else:
            super().confirm_login_allowed(user)


class PlatformAdminSite(admin.AdminSite):
    login_form = MemberAdminAuthenticationForm
    site_header = "Lead platform"
    site_title = "Lead platform admin"
    index_title = "Campaigns, tasks, scraping and leads"

    def login(self, request, extra_context=None):
        demo = {"demo_logins": demo_logins(for_influencers=False), "demo_password": DEMO_PASSWORD}
        return super().login(request, {**(extra_context or {}), **demo})

    def index(self, request, extra_context=None):
        """The app list, with the dashboard of the member's advertisers (the platform's, for staff) above it.

        `?advertiser=<id>` narrows a member's dashboard to one of their advertisers; an id that is not one
        of theirs (another tenant's, unknown, malformed) shows the default with a warning, as the admin
        answers an object it cannot find."""
        scope = all_advertisers = dashboard.scope_for_user(request.user)
        picked = request.GET.get("advertiser", "")
        if picked:
            scope = all_advertisers.narrowed_to(picked) or all_advertisers
            if scope is all_advertisers:
                messages.warning(request, f"Advertiser with ID “{picked}” is not one of yours: showing all of them.")
        context = {
            "dashboard_scope": scope,
            "dashboard_panels": dashboard.for_scope(scope),
            "dashboard_choices": all_advertisers.advertisers if len(all_advertisers.advertisers) > 1 else [],
        }
        return super().index(request, {**(extra_context or {}), **context})

    def admin_view(self, view, cacheable=False):
        guarded = super().admin_view(view, cacheable)

        @wraps(view)
        def refuse_held_advertisers(request, *args, **kwargs):
            reason = self._held_reason(request)
            if reason is None:
                return guarded(request, *args, **kwargs)
            if request.path == reverse("admin:logout", current_app=self.name):
                # Django's guard sends a user it refuses from logout back to the index; this one may leave.
                return view(request, *args, **kwargs)
            context = {**self.each_context(request), "title": "Access refused", "reason": reason}
            response = TemplateResponse(request, "admin/advertiser_held.html", context, status=403)
            add_never_cache_headers(response)
            return response

        return refuse_held_advertisers

    def _held_reason(self, request) -> str | None:
        user = request.user
        if not user.is_authenticated or user.is_staff or not user.is_active:
            return None
        return HELD_REASONS.get(grants.refusal(admin_principal(request), Membership.Role.VIEWER))

    def has_permission(self, request) -> bool:
        """Staff, and members whose grant holds now (the API's rule: a held advertiser's members are refused)."""
        user = request.user
        if not user.is_active:
            return False
        return user.is_staff or grants.member_may(admin_principal(request), Membership.Role.VIEWER)
