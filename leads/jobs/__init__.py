"""Social scrape jobs, one module per concern.

Life of a job: `lifecycle.create_job` (pending) → `lifecycle.queue_job` (waits in the queue) →
`claim.claim_next_job` (assigned to a worker, fair share per advertiser, priority within it) →
`run.start_job` (running; one `JobUnit` per target) → worker lanes (`run.run_lane`) run units page
by page with `run.store_page` → `lifecycle.finish_job_if_done` (completed | failed, webhook) →
maybe `lifecycle.fail_job` queues it again with backoff. `schedule` keeps a job's beat schedule;
`group_post_tasks` are the group-post API's "tasks"; `states` holds what every step shares.
"""

# The API surfaces (leads.api.v1, leads.api.social) call these as `jobs.<name>`.
from .group_post_tasks import create_group_post_task, reset_task, task_result, update_pending_task
from .lifecycle import create_job, delete_job, queue_job
from .schedule import describe_schedule, set_job_schedule
from .states import ACTIVE

__all__ = [
    "ACTIVE",
    "create_group_post_task",
    "create_job",
    "delete_job",
    "describe_schedule",
    "queue_job",
    "reset_task",
    "set_job_schedule",
    "task_result",
    "update_pending_task",
]
