"""What the OpenAPI document says about the lead intelligence routes (/api/intel/v1/), to integrators."""

from leadplatform.api.schema_docs import doc, request_example

CURSOR = """Cursor-based pagination: provided the previous or next page of results exist, use the `previous`
or `next` link of the response to retrieve it; `page_size` sets its length. All times are in UTC."""
FILTERS = """Filters: `date_from`, `date_to`, `company`, `person`, `domain`, `country`, `turnover`, `magnitude`,
or `saved_filter` (the id of one of your saved filters)."""

OPERATIONS = {
    "intel_v1_api_token_get_create": doc(
        "api-token-get",
        """Your individual, secret, long-lasting access token: send your registered e-mail address and valid
        password. Every other call needs it as `Authorization: Token <token>`. You have one such token: it is
        stored hashed and cannot be shown again, so each call answers a new value and the previous one stops
        working. A wrong e-mail or password is a 401; an account that belongs to no advertiser is a 403.""",
        request_example("Get my token", {"email": "you@example.com", "password": "your_password"}),
    ),
    "intel_v1_api_token_reset_create": doc(
        "api-token-reset",
        """Regenerates your token to a new random value, for example when it leaks out of your control.
        Please note that all present accesses with the old token are lost instantly.""",
    ),
    "intel_v1_sessions_list": doc(
        "List sessions",
        f"The sessions Leady collected on your sites, newest first, each with its actions (page views and identifications). {FILTERS} {CURSOR}",
    ),
    "intel_v1_sessions_retrieve": doc("Get a session", "One session on your sites with all its actions."),
    "intel_v1_companies_list": doc(
        "List companies",
        f"Details on the companies referenced by your sessions: those that visited your sites or employ persons identified there; blacklisted ones are left out. Newest first, or hottest first with `ordering=-score`; `score_min` keeps the companies scoring at least that much now. {FILTERS} {CURSOR}",
    ),
    "intel_v1_companies_retrieve": doc(
        "Get a company",
        "Details on one referenced company: name, registration id, domain, address, country, industry, turnover and magnitude; its score for you now and what makes it up.",
    ),
    "intel_v1_alerts_list": doc(
        "List alerts",
        f"""The alerts your watch rules raised (set them up in the admin under Lead intelligence, Watch rules),
        newest first: a listed company visiting, a company scoring above a threshold or a visit to a path. At
        most one per rule, company and UTC day; each also went out as a signed `company.alert` webhook and by
        e-mail. {CURSOR}""",
    ),
    "intel_v1_alerts_retrieve": doc(
        "Get an alert", "One alert: its rule, the company, the session that raised it, why, and the score then."
    ),
    "intel_v1_persons_list": doc(
        "List persons",
        f"Details on the persons referenced by your sessions: visitors identified by the e-mail address they submitted. {FILTERS} {CURSOR}",
    ),
    "intel_v1_persons_retrieve": doc(
        "Get a person",
        "Details on one referenced person: name, e-mail, position, company, and when they were first and last seen.",
    ),
    "intel_v1_saved_filters_list": doc(
        "List saved filters",
        f"Your saved filters. Apply one to the sessions, companies or persons list with `?saved_filter=<id>`. {CURSOR}",
    ),
    "intel_v1_saved_filters_create": doc(
        "Create a saved filter",
        "Saves a `name` and the list `filters` (query parameters of the lists) to reuse them. Answers 201.",
    ),
    "intel_v1_saved_filters_retrieve": doc("Get a saved filter", "One of your saved filters."),
    "intel_v1_saved_filters_update": doc(
        "Replace a saved filter", "Replaces the name and filters of one of your saved filters."
    ),
    "intel_v1_saved_filters_partial_update": doc(
        "Change a saved filter", "Changes the fields sent of one of your saved filters."
    ),
    "intel_v1_saved_filters_destroy": doc("Delete a saved filter", "Deletes one of your saved filters. Answers 204."),
    "intel_v1_blacklist_list": doc(
        "List the blacklist",
        f"Companies and domains you excluded: their visits are not recorded and they are never listed. {CURSOR}",
    ),
    "intel_v1_blacklist_create": doc(
        "Blacklist a company or domain",
        "Excludes a `company` (one you can see) or a `domain` such as example.com, with an optional `note`. Answers 201.",
    ),
    "intel_v1_blacklist_retrieve": doc("Get a blacklist entry", "One entry of your blacklist."),
    "intel_v1_blacklist_update": doc("Replace a blacklist entry", "Replaces one entry of your blacklist."),
    "intel_v1_blacklist_partial_update": doc(
        "Change a blacklist entry", "Changes the fields sent of one entry of your blacklist."
    ),
    "intel_v1_blacklist_destroy": doc(
        "Remove a blacklist entry", "The company or domain is recorded and listed again from now on. Answers 204."
    ),
    "intel_v1_turnovers_list": doc(
        "List turnovers", f"The annual turnover ranges a company may have, the same for everyone. {CURSOR}"
    ),
    "intel_v1_turnovers_retrieve": doc("Get a turnover", "One annual turnover range."),
    "intel_v1_magnitudes_list": doc(
        "List magnitudes", f"The headcount ranges a company may have, the same for everyone. {CURSOR}"
    ),
    "intel_v1_magnitudes_retrieve": doc("Get a magnitude", "One headcount range."),
    "intel_v1_collect_create": doc(
        "Collect visit actions",
        """Where the tracking snippet on your site sends batches of actions (page views, identifications) of a
        visitor's session, named by the site's `site_key`. Answers 202 once the batch is queued.""",
    ),
}
