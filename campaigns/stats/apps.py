from django.apps import AppConfig


class CampaignStatsConfig(AppConfig):
    """Daily rollups of tasks, payments and publisher activity behind the backend statistics endpoints."""

    name = "campaigns.stats"
    label = "campaign_stats"
    verbose_name = "Campaign statistics"
    default_auto_field = "django.db.models.BigAutoField"
