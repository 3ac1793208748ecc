"""The admin site: platform staff and advertiser members (who are not Django staff) may enter."""
from django.contrib import admin


class PlatformAdminSite(admin.AdminSite):
    site_header = "Lead platform"
    site_title = "Lead platform admin"
    index_title = "Campaigns, tasks, scraping and leads"

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and (user.is_staff or user.memberships.exists())
