"""What the OpenAPI document says about the campaign app routes (influencers), to integrators.

The app routes answer an application created in admin (its client id and secret) acting for an
influencer (their token from /api/app/token/).
"""

from leadplatform.api.schema_docs import doc, request_example

FULL_VIEW = "With `Accept: text/html` the answer is the full view (the page of the app); otherwise JSON."

OPERATIONS = {
    "app_register_create": doc(
        "Register an influencer",
        """Creates an influencer account (username, e-mail, password, and optionally sex and birth date) and
        answers 201 with its token, ready for the other app routes. A username or e-mail already taken is a 400.""",
        request_example(
            "New influencer",
            {
                "username": "influencer1",
                "email": "influencer1@example.com",
                "password": "a long passphrase",
                "sex": "female",
                "birth_date": "1995-04-12",
            },
        ),
    ),
    "app_token_create": doc(
        "Influencer token",
        """Exchanges an influencer's username (or e-mail address) and password for their token, sent with the
        application's credentials. A wrong username or password is a 401.""",
        request_example("Log in", {"username": "influencer1", "password": "a long passphrase"}),
    ),
    "get_leaderboard_create": doc(
        "Get leaderboard",
        """Retrieve the leaderboard of a campaign (`campaign_id`): its influencers ranked by score, with their
        completed tasks. Score = 100 × completed (accepted or paid) tasks + engagement + reach ÷ 100.""",
    ),
    "get_campaigns_create": doc(
        "Get campaigns",
        f"""Retrieve a list of available campaigns. `filter` (all, active, upcoming, ended, joined, featured),
        `category` and `network` narrow it; `page` and `per_page` page it. {FULL_VIEW}""",
    ),
    "get_campaign_create": doc(
        "Get campaign",
        f"""Retrieve detailed information about a specific campaign (`id`), with which of your networks may
        publish for it. A campaign you cannot see is a 404. {FULL_VIEW}""",
    ),
    "get_tasks_create": doc(
        "Get tasks",
        f"""Retrieve your tasks, all of them or those of one campaign (`campaign_id`), optionally by `status`:
        requirements, deadline, payments and bonus. {FULL_VIEW}""",
    ),
    "get_public_campaigns_create": doc(
        "Get public campaigns",
        "Retrieve public campaigns (no authentication required): the active ones, optionally by `category`.",
    ),
    "get_notifications_create": doc(
        "Get notifications",
        "Your notifications, newest first; `unread` keeps those not yet read.",
    ),
    "action_notifications_read_create": doc(
        "Mark notifications read",
        "Marks the notifications whose `ids` are sent as read; without `ids`, all of them.",
    ),
    "action_campaign_join_create": doc(
        "Join campaign",
        """Join a campaign as an influencer: the answer names the task you now hold. An influencer the campaign
        does not target, or without an approved network account, is refused (403); a campaign not open to
        joining, or joined already, is a 409.""",
        request_example("Join", {"campaign_id": 123}),
    ),
    "action_task_complete_create": doc(
        "Complete task",
        """Mark a task as completed: the `post_url` of your post and its `screenshots` (image files in a
        multipart form, at most 10; URLs are accepted too). The task goes to review; the answer says the
        payment it earns. Send an `Idempotency-Key` header to retry safely: the same key answers the same.""",
        request_example(
            "Post link", {"task_id": 456, "post_url": "https://instagram.com/p/example"}, "multipart/form-data"
        ),
    ),
    "action_task_leave_create": doc(
        "Leave task",
        "Leave a task (cancel participation). Only a pending task can be left; any other is a 409.",
    ),
    "action_network_approval_create": doc(
        "Network approval",
        """Submit a network account for approval: `network_type` (instagram, facebook…), `network_id`,
        `network_url`, and its `kind` (user profile, page, wall, channel, extra). Approved accounts may publish
        for campaigns.""",
    ),
}
