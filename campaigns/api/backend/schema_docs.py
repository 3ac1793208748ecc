"""What the OpenAPI document says about the campaign backend routes (integrators), to integrators.

Every route is a POST taking a form or JSON body. Who may call a route is one of three rules.
"""

from leadplatform.api.schema_docs import doc, request_example

READ = "Any member of the advertiser may call it; a platform token sees every advertiser."
WRITE = "Owners and managers of the advertiser may call it (a viewer's token is a 403); a platform token acts on any advertiser."
PLATFORM = "Platform (staff) tokens only; an advertiser's token is a 403."
ONE_OPTION = "Only one parameter option can be used at a time; when several are sent, advertiser_id takes precedence"
RANGE = "`date_from` and `date_to` (YYYY-MM-DD) bound the range."

OPERATIONS = {
    "root_retrieve": doc(
        "Routes of this surface",
        "The routes of the campaign backend API with their methods, so a client can discover them.",
    ),
    # Campaigns and tasks lists
    "campaigns_create": doc(
        "Get all campaigns",
        f"""Retrieve a list of campaigns with detailed information. Option 1, `advertiser_id`: the campaigns
        created by that advertiser. Option 2, `user_id`: the campaigns available to that influencer, with
        their network availability. Option 3, no parameters: all campaigns in your scope. {ONE_OPTION},
        then user_id. {READ}""",
    ),
    "tasks_create": doc(
        "Task list",
        f"""Retrieve a list of tasks. Option 1, `campaign_id`: the tasks of that campaign. Option 2,
        `advertiser_id`: the tasks of that advertiser. Option 3, `status` (rejected, accepted, pending,
        under_review, paid): the tasks with that status. Option 4, no parameters: all tasks in your scope.
        {ONE_OPTION}, then campaign_id, then status. {READ}""",
    ),
    # Look-ups by e-mail
    "advertiser_check_create": doc(
        "Advertiser id",
        f"Retrieve the advertiser id using the e-mail address; an unknown address is a 404. {PLATFORM}",
    ),
    "user_check_create": doc(
        "User id",
        f"Retrieve the user id using the e-mail address; an unknown address is a 404. {PLATFORM}",
    ),
    # Advertiser
    "advertiser_stats_financial_create": doc(
        "Advertiser financial statistics",
        f"""Total spent, number of campaigns and average CPM of an advertiser (`advertiser_id`), in its
        currency. {RANGE} {READ}""",
    ),
    "advertiser_maximum_limit_create": doc(
        "Maximum limit",
        f"The spending limit of an advertiser (`advertiser_id`) and its currency. {WRITE}",
    ),
    "advertiser_invoices_create": doc(
        "Invoices",
        f"The invoices of an advertiser (`advertiser_id`), optionally by `invoice_status`. {RANGE} {WRITE}",
    ),
    # Campaign statistics
    "campaigns_stats_general_create": doc(
        "Campaigns: general statistics",
        f"Total, active, completed and pending campaigns created in the range. {RANGE} {READ}",
    ),
    "campaigns_stats_status_create": doc(
        "Campaigns: status statistics",
        f"How many campaigns are in each status: draft, pending, active, paused, completed, cancelled. {READ}",
    ),
    "campaigns_stats_networks_create": doc(
        "Campaigns: network statistics",
        f"How many campaigns run on each network (instagram, facebook, twitter, tiktok…). {READ}",
    ),
    "campaign_stats_networks_create": doc(
        "Campaign: network statistics",
        f"For one campaign (`campaign_id`), per network: its approved posts, their reach and engagement. {READ}",
    ),
    "campaign_stats_costs_create": doc(
        "Campaign: cost statistics",
        f"For one campaign (`campaign_id`): total spent on influencers and average CPM, in its currency. {READ}",
    ),
    # Campaign management
    "campaign_settings_create": doc(
        "Campaign settings",
        f"""Updates a campaign's settings: post rate, minimum reward, bonuses, budget, task time and more.
        Send `settings` as a JSON object or as bracket form fields (`settings[post_rate]=30`); an unknown
        key is a 400 naming it. {WRITE}""",
        request_example(
            "Rates and bonus",
            {"campaign_id": 123, "settings": {"post_rate": 30, "has_bonus": True, "promo_reach_bonus": 50}},
        ),
    ),
    "campaign_status_create": doc(
        "Campaign status",
        f"""Moves a campaign to a new `status`: draft → pending → active ⇄ paused → completed, or cancelled.
        Any other move is a 409. {WRITE}""",
        request_example("Activate", {"campaign_id": 123, "status": "active"}),
    ),
    "campaign_pre_register_create": doc(
        "Pre-register",
        f"Opens a campaign that has not started to pre-registration: influencers may join it before it starts. {WRITE}",
    ),
    "campaign_post_register_create": doc(
        "Post-register",
        f"Opens an ended campaign to post-registration: influencers may still join it. {WRITE}",
    ),
    # Publisher statistics
    "publishers_stats_status_create": doc(
        "Publishers: status statistics",
        f"How many influencers are active, inactive or suspended. {PLATFORM}",
    ),
    "publishers_stats_activity_create": doc(
        "Publishers: activity statistics",
        f"Total approved posts, reach and engagement of influencers in the range. {RANGE} {PLATFORM}",
    ),
    # User management
    "user_status_create": doc(
        "User status",
        f"An influencer's status, the date they joined and how many campaigns they took part in. {PLATFORM}",
    ),
    "user_status_ban_create": doc(
        "Ban status",
        f"""Bans (`banned=true`, with a `reason`) or unbans a user. A banned user's tokens stop working at
        once and they can no longer join or complete tasks. Staff accounts and your own account cannot be
        banned (403). {PLATFORM}""",
    ),
    "user_notification_create": doc(
        "Notifications",
        f"Sends a user a notification (`message`, `type`): listed in their app and sent by e-mail. {PLATFORM}",
        request_example("New campaign", {"user_id": 456, "message": "New campaign available", "type": "campaign"}),
    ),
    "user_force_logout_create": doc(
        "Force logout",
        f"""Logs a user out everywhere: every session ends and every token is revoked. Staff accounts and
        your own account are refused (403). {PLATFORM}""",
    ),
    "user_add_custom_social_wall_create": doc(
        "Custom social wall",
        f"Adds a social wall (`wall_url` on a `network`) to a user's approved accounts. {PLATFORM}",
        request_example(
            "Instagram wall", {"user_id": 456, "wall_url": "https://example.com/wall", "network": "instagram"}
        ),
    ),
    # Task management
    "task_status_create": doc(
        "Task status",
        f"A task's status, the date it was assigned and its deadline. {READ}",
    ),
    "task_payments_create": doc(
        "Task payments",
        f"""What a task pays, in its currency: the payment made, or what it earns so far (minimum + post
        rate + the bonuses earned), with the post and reach-bonus parts. {READ}""",
    ),
    "task_actions_create": doc(
        "Task actions",
        f"""Acts on a task: `approve` (optionally with the post's reach, engagement, likes and comments),
        `reject` (with a `reason`), `pay`, or `reopen` (a rejected task goes back to review). An action
        the task's status does not allow is a 409. Send an `Idempotency-Key` header to retry safely. {WRITE}""",
        request_example("Approve", {"task_id": 456, "action": "approve"}),
        request_example(
            "Reject", {"task_id": 456, "action": "reject", "reason": "The post does not show the product."}
        ),
    ),
    "task_custom_create": doc(
        "Custom tasks",
        f"""Creates a custom task in a campaign (`campaign_id`): its `title`, `description` and
        `requirements`, optionally assigned to an influencer (`user_id`). {WRITE}""",
        request_example(
            "Custom task",
            {
                "campaign_id": 123,
                "title": "Custom Task",
                "description": "Custom task description",
                "requirements": "Custom requirements",
            },
        ),
    ),
    # User statistics
    "users_stats_sex_create": doc("Sex statistics", f"Influencers by sex, in percent of those who gave it. {PLATFORM}"),
    "users_stats_age_create": doc(
        "Age statistics",
        f"Influencers by age group (18-24, 25-34, 35-44, 45+), in percent of those who gave their birth date. {PLATFORM}",
    ),
    "users_stats_preferences_create": doc(
        "Preferences statistics",
        f"The categories influencers prefer, in percent of all picks: the five most picked, then other. {PLATFORM}",
    ),
    # General statistics
    "general_stats_pending_create": doc(
        "Pending statistics",
        f"What waits for someone: pending campaigns, pending tasks and pending approvals of network accounts. {PLATFORM}",
    ),
    "general_stats_financial_create": doc(
        "Financial statistics",
        f"Total revenue (paid invoices) and total payouts (to influencers) in the platform currency. {RANGE} {PLATFORM}",
    ),
    "general_stats_estimated_publishers_create": doc(
        "Estimated publishers",
        f"""How many influencers could join an active campaign now (estimated), and how many joined one in
        the last 30 days (active). {PLATFORM}""",
    ),
    "general_stats_potential_publishers_create": doc(
        "Potential publishers",
        f"Influencers registered who never joined a campaign, and the share of registered influencers who did. {PLATFORM}",
    ),
    # Lists
    "general_lists_locations_create": doc("Locations", f"Countries with their cities. {READ}"),
    "general_lists_advertisers_create": doc("Advertisers", f"Every advertiser: id, name and e-mail. {PLATFORM}"),
    "general_lists_allowed_countries_create": doc(
        "Allowed countries", f"The countries campaigns may target, with their currency code. {READ}"
    ),
    "general_lists_allowed_cities_create": doc(
        "Allowed cities", f"The cities campaigns may target, optionally of one country. {READ}"
    ),
    "general_lists_allowed_categories_create": doc("Allowed categories", f"The categories a campaign may have. {READ}"),
    "general_lists_allowed_campaigns_create": doc(
        "Allowed campaigns", f"The campaigns influencers can join now (the active ones). {READ}"
    ),
    # Tools
    "general_tools_exchange_create": doc(
        "Exchange rate",
        f"Converts an `amount` `from` one currency `to` another; an unknown currency is a 400. {READ}",
    ),
    "general_tools_check_user_create": doc(
        "Check user",
        f"Whether a user id exists, with its status and the date it joined. {PLATFORM}",
    ),
    "general_tools_user_ban_create": doc(
        "User ban",
        f"""Bans or unbans a user, the same as the ban status route. Staff accounts and your own account
        cannot be banned (403). {PLATFORM}""",
    ),
}
