from django.contrib.admin.apps import AdminConfig


class PlatformAdminConfig(AdminConfig):
    default_site = "leadplatform.admin_site.PlatformAdminSite"
