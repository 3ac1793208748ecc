"""What the OpenAPI document says about the social lead generation routes (/api/v1/), to integrators."""

from leadplatform.api.schema_docs import doc, request_example

PAGES = 'Paginated: `page` (default 1) and `per_page` (default 20); the answer is `{"success": true, "data": [...], "pagination": {...}}`.'

OPERATIONS = {
    "v1_retrieve": doc(
        "Routes of this surface",
        "The routes of the social lead generation API with their methods, so a client can discover them.",
    ),
    # Jobs
    "v1_jobs_list": doc(
        "List jobs",
        f"Get a paginated list of all jobs. `status` filters by status (queued, running, finished, failed). {PAGES}",
    ),
    "v1_jobs_create": doc(
        "Create a job",
        """Create a new scraping job over your targets: `job_type` (hashtag, followers, following, likers),
        `speed_mode` (safe, normal, aggressive), `max_leads`, `max_leads_per_target`, `filters` on the leads
        kept (min_followers, max_followers and more) and the `target_ids` to scrape. Answers 201; the job
        waits in status queued until you run it.""",
        request_example(
            "Hashtag job",
            {
                "name": "Fitness Influencers",
                "job_type": "hashtag",
                "speed_mode": "normal",
                "max_leads": 1000,
                "max_leads_per_target": 500,
                "filters": {"min_followers": 1000, "max_followers": 100000},
                "target_ids": [1, 2],
            },
        ),
    ),
    "v1_jobs_retrieve": doc("Get a job", "Get details of a specific job: its type, status, counts and timestamps."),
    "v1_jobs_destroy": doc("Delete a job", "Delete a job; a running job is cancelled first."),
    "v1_jobs_run_create": doc(
        "Run a job",
        "Start executing a job: it is queued for a worker (a job already queued stays as it is). A running job is a 409.",
    ),
    "v1_jobs_schedule_update": doc(
        "Set the job's schedule",
        "Runs the job again at each firing: every `interval_seconds` (at least 300) or on a `crontab` expression, in UTC.",
    ),
    "v1_jobs_schedule_destroy": doc("Clear the job's schedule", "The job is no longer run on a schedule."),
    # Targets
    "v1_targets_list": doc(
        "List targets",
        f"Get a paginated list of all targets. `type` filters by target type. {PAGES}",
    ),
    "v1_targets_create": doc(
        "Create a target",
        """Create a new target (hashtag, username, etc.): the `identifier` (`#fitness`, a username, a post URL)
        and its `target_type` (hashtag, followers, following, likers). Answers 201.""",
        request_example("Hashtag", {"identifier": "#fitness", "target_type": "hashtag"}),
    ),
    "v1_targets_retrieve": doc("Get a target", "Get details of a specific target."),
    "v1_targets_destroy": doc("Delete a target", "Delete a target; a target a running job uses is a 409."),
    # Leads
    "v1_leads_list": doc(
        "List leads",
        f"""Get a paginated list of all leads. `outreach_ready` keeps outreach-ready leads, `source_type` filters
        by source type; also `platform`, `username`, `search`, `job_id`, `min_followers`, `max_followers`.
        {PAGES}""",
    ),
    "v1_leads_retrieve": doc(
        "Get a lead", "Get details of a specific lead: username, full name, followers, e-mails, platform."
    ),
    "v1_leads_export_retrieve": doc(
        "Export leads",
        """The leads the list would show with the same filters, every page, as a download: `format` csv, json,
        ndjson or xlsx. Large exports answer 202 with a background export to poll at its `status_url`.""",
    ),
    "v1_exports_retrieve": doc(
        "Status of a background export",
        "Where a large leads export stands (pending, running, completed or failed) and, once completed, its download link.",
    ),
    "v1_exports_download_retrieve": doc(
        "Download a background export",
        "The file of a completed background export; before it completes the answer is a 409.",
    ),
    # Content analysis
    "v1_content_analysis_list": doc(
        "List content analysis",
        f"""Get a paginated list of content analysis data: likes, comments, views and engagement rate of posts.
        Filters: `platform` (instagram, tiktok), `username`, `job_id`. {PAGES}""",
    ),
    "v1_content_analysis_retrieve": doc("Get content analysis", "Get details of a specific content analysis record."),
    # Statistics
    "v1_stats_retrieve": doc(
        "Get statistics",
        """Get application-wide statistics and your token usage: total leads, jobs, targets and content analysis,
        API requests in total and today, and this token's request count and last use.""",
    ),
    # Connector credentials
    "v1_connectors_list": doc(
        "List connector credentials",
        f"The credentials jobs use to reach the scraping providers. Secrets are never returned. {PAGES}",
    ),
    "v1_connectors_create": doc(
        "Create a connector credential",
        "Stores a provider credential (an access token or API key) for a platform; the secret is write-only. Answers 201.",
    ),
    "v1_connectors_retrieve": doc("Get a connector credential", "One connector credential, without its secrets."),
    "v1_connectors_partial_update": doc(
        "Change a connector credential",
        "Change a connector credential, e.g. give it a new token; secrets sent blank are kept.",
    ),
    "v1_connectors_destroy": doc(
        "Delete a connector credential",
        "Delete a connector credential; while a running job may use it the answer is a 409.",
    ),
    "v1_connectors_test_create": doc(
        "Test a connector credential",
        "Checks the credential with one cheap real call to its provider and says whether it works.",
    ),
}
