from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    default_auto_field = "django.db.models.BigAutoField"

    #: Campaigns with tasks and payments, then the backend endpoints' history (which builds on them).
    demo_modules = ("campaigns.demo", "campaigns.demo_backend")
