"""The admin site: platform staff and advertiser members (who are not Django staff) may enter."""

from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from accounts.demo import DEMO_PASSWORD, demo_logins

from . import dashboard


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

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and (user.is_staff or user.memberships.exists())
