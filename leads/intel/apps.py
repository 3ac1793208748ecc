from django.apps import AppConfig


class IntelConfig(AppConfig):
    """Lead intelligence: visit tracking, company and person identification, the /api/intel/v1 surface."""

    name = "leads.intel"
    label = "intel"
    verbose_name = "Lead intelligence"
    default_auto_field = "django.db.models.BigAutoField"
