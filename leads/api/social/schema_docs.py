"""What the OpenAPI document says about the group-post task routes (/api/social/), to integrators."""

from leadplatform.api.schema_docs import doc, request_example

OPERATIONS = {
    "social_retrieve": doc(
        "Routes of this surface",
        "The routes of the group-post scraping API with their methods, so a client can discover them.",
    ),
    "social_tasks_list": doc(
        "List tasks",
        """Retrieve a paginated list of your tasks. `status` filters by status (pending, assigned, processing,
        completed, failed); `sort_by` (created_at, status, priority) and `sort_order` (asc, desc) order it;
        `per_page` sets the items per page (default 15). The answer carries `data`, `meta` and `links`.""",
    ),
    "social_tasks_create": doc(
        "Create a task",
        """Create a new scraping task for a social media group: `group_id` (required), `group_name`,
        `max_posts` (1 to 500) and `priority` (higher = more priority). Answers 201 with the task in status
        pending.""",
        request_example(
            "Group posts",
            {"group_id": "123456789", "group_name": "Laravel Developers Vietnam", "max_posts": 100, "priority": 5},
        ),
    ),
    "social_tasks_retrieve": doc(
        "Get a task",
        "Get details of a specific task, with its result summary (posts count, duration) once completed.",
    ),
    "social_tasks_update": doc(
        "Update a pending task",
        "Update a pending task's `group_name`, `max_posts` or `priority`. Only tasks with pending status can be updated (409 otherwise).",
    ),
    "social_tasks_partial_update": doc(
        "Update a pending task (some fields)",
        "The same as PUT with only the fields sent. Only tasks with pending status can be updated (409 otherwise).",
    ),
    "social_tasks_destroy": doc(
        "Delete a task",
        "Delete a task; a running task is cancelled first. This action cannot be undone.",
    ),
    "social_tasks_reset_create": doc(
        "Reset a task",
        "Reset a completed or failed task back to pending status; any other status is a 409.",
    ),
    "social_tasks_result_retrieve": doc(
        "Get a task's result",
        """Get detailed result of a completed task: the task, its result (posts count, duration) and the posts
        with their message, author, time, likes, comments and shares. Without a result the answer is a 404
        "No result available for this task".""",
    ),
}
