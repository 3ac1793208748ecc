from django.apps import AppConfig


class CampaignStatsConfig(AppConfig):
    """Daily rollups of tasks, payments and publisher activity behind the backend statistics endpoints."""

    name = "campaigns.stats"
    label = "campaign_stats"
    verbose_name = "Campaign statistics"
    default_auto_field = "django.db.models.BigAutoField"

    periodic_tasks = {
        # One periodic task per rollup; each run rolls the closed days after its watermark, once per day.
        **{
            f"roll up {name}": {"task": f"campaigns.roll_up_{name}", "every_seconds": 10 * 60, "expires": 9 * 60}
            for name in (
                "task_days",
                "campaign_network_totals",
                "spend_days",
                "campaign_spend_totals",
                "publisher_activity",
            )
        },
        # Trigger-kept counts of tasks and publishers by status append delta rows; folding them every
        # minute keeps each count's read to a few rows. Recent joins are rolled every minute too, so the
        # joined and active influencer figures read minutes of live joins, not a day's.
        "fold state counts": {"task": "campaigns.fold_state_counts", "every_seconds": 60, "expires": 50},
        "roll up recent joins": {"task": "campaigns.roll_up_recent_joins", "every_seconds": 60, "expires": 50},
    }
