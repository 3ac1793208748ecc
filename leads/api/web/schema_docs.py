"""What the OpenAPI document says about the web scraper routes (/api/web/v1/), to integrators."""

from leadplatform.api.schema_docs import doc, request_example

OPERATIONS = {
    "web_v1_retrieve": doc(
        "Routes of this surface",
        "The routes of the web scraper API with their methods, so a client can discover them.",
    ),
    "web_v1_auth_register_create": doc(
        "Register an account",
        """Creates a user with an advertiser of its own and answers with an access token, as login does.
        All endpoints except register and login require JWT authentication. A username or e-mail
        already taken is a 422; while registration is closed the answer is a 403.""",
        request_example(
            "Register", {"username": "your_username", "email": "you@example.com", "password": "a long passphrase"}
        ),
    ),
    "web_v1_auth_login_create": doc(
        "Log in for a JWT access token",
        """Exchanges a username (or e-mail address) and password for an access token:
        `{"access_token": "eyJ0eXAiOiJKV1QiLCJhbGc...", "token_type": "bearer"}`. Include the token in the
        Authorization header of every other call: `Authorization: Bearer eyJ0eXAiOiJKV1QiLCJhbGc...`.
        A wrong username or password is a 401.""",
        request_example("Log in", {"username": "your_username", "password": "your_password"}),
    ),
    "web_v1_jobs_list": doc(
        "List jobs",
        """Your scraping jobs, newest first. `skip`: number of jobs to skip (default 0); `limit`: max jobs to
        return (default 50, max 100); `status`: filter by status (optional).""",
    ),
    "web_v1_jobs_create": doc(
        "Create a job",
        """Creates a new scraping job: the start `url`, the `engine` (auto, http or browser), the `priority`,
        CSS `selectors` naming the fields to extract (`h1::text`, `a::attr(href)`) and a crawl `config`
        (max_pages, follow_links and more). Answers 201 with the job in status pending; a worker then runs it.
        A URL that does not reach the public internet is refused with a 422 naming the field.""",
        request_example(
            "Product pages",
            {
                "url": "https://example.com/products",
                "engine": "auto",
                "priority": "normal",
                "selectors": {"title": "h1.product-title::text", "price": "span.price::text"},
                "config": {"max_pages": 10, "follow_links": True},
            },
        ),
    ),
    "web_v1_jobs_retrieve": doc(
        "Get a job",
        "One job by its id: engine, status, progress (percent), items scraped and failed, and its timestamps.",
    ),
    "web_v1_jobs_destroy": doc(
        "Cancel or delete a job",
        """An unfinished job is cancelled (a running crawl stops); a finished job is deleted with its results.
        Answers 204 No Content.""",
    ),
    "web_v1_jobs_rerun_create": doc(
        "Run a finished job again",
        """Queues a completed, failed or cancelled job again; the new run's results replace the previous run's.
        Answers 202; a job still queued or running is a 409.""",
    ),
    "web_v1_jobs_schedule_update": doc(
        "Set the job's schedule",
        """Runs the job again at each firing: every `interval_seconds` (at least 300) or on a `crontab`
        expression, in UTC. Each run replaces the previous run's results.""",
    ),
    "web_v1_jobs_schedule_destroy": doc(
        "Clear the job's schedule",
        "The job is no longer run on a schedule; its results stay.",
    ),
    "web_v1_results_retrieve": doc(
        "Results of a job",
        """The items scraped by a job: `job_id`, `total`, `skip`, `limit` and `results`, each with its page
        `url`, the extracted `data` and `scraped_at`. `skip`: number of results to skip; `limit`: max results
        to return (default 100, max 1000).""",
    ),
    "web_v1_results_export_retrieve": doc(
        "Export all results",
        """Every result of a job as a download: `format` json or csv (also ndjson and xlsx). CSV and XLSX
        have the columns job_id, url, scraped_at and one per selector. Large exports answer 202 with a
        background export to poll at its `status_url`.""",
    ),
    "web_v1_exports_retrieve": doc(
        "Status of a background export",
        "Where a large results export stands (pending, running, completed or failed) and, once completed, its download link.",
    ),
    "web_v1_exports_download_retrieve": doc(
        "Download a background export",
        "The file of a completed background export; before it completes the answer is a 409.",
    ),
    "web_v1_monitoring_stats_retrieve": doc(
        "Job statistics",
        """Your jobs by status, the total items scraped, jobs created in the last 24 hours, the success
        rate (percent of finished jobs that completed) and the total number of jobs.""",
    ),
    "web_v1_monitoring_proxies_retrieve": doc(
        "Proxy pool",
        "The proxies the scraper rotates through: their total, and by status (active, banned) their count and average success rate.",
    ),
    "web_v1_monitoring_system_retrieve": doc(
        "System health",
        "Whether the platform's parts are healthy: database, broker, cache, Redis, the workers (count and names) and the API, with the time of the check.",
    ),
    "web_v1_webhooks_list": doc(
        "List webhooks",
        "Your registered webhooks with their events; the signing secret shows as its prefix only.",
    ),
    "web_v1_webhooks_create": doc(
        "Register a webhook",
        """Registers a webhook to receive notifications when jobs complete: a `webhook_url` and the `events`
        (job.completed, job.failed). Each delivery is a signed POST; the answer holds the full signing
        secret, shown this once.""",
        request_example(
            "Job notifications",
            {"webhook_url": "https://your-app.com/webhook", "events": ["job.completed", "job.failed"]},
        ),
    ),
    "web_v1_webhooks_retrieve": doc(
        "Webhook details",
        "One of your webhooks by id: its URL, events, secret prefix, and whether it is active (or why it was disabled).",
    ),
    "web_v1_webhooks_destroy": doc("Delete a webhook", "No more notifications are sent to it. Answers 204 No Content."),
    "web_v1_webhooks_rotate_secret_create": doc(
        "Rotate a webhook's signing secret",
        "A new signing secret, shown this once; deliveries from now on are signed with it.",
    ),
}
