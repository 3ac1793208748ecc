"""Social scrape jobs, one module per concern.

Life of a job: `lifecycle.create_job` (pending) → `lifecycle.queue_job` (waits in the queue) →
`claim.claim_next_job` (assigned to a worker, fair share per advertiser, priority within it) →
`run.start_job` (running; one `JobUnit` per target) → parallel runners (`run.run_units`) run units page
by page with `run.store_page` → `lifecycle.finish_job_if_done` (completed | failed, webhook) →
maybe `lifecycle.fail_job` queues it again with backoff. `schedule` keeps a job's beat schedule;
`group_post_tasks` are the group-post API's "tasks"; `states` holds what every step shares;
`demo_state` is the run state the demo data gives its jobs (web and social) on every seed.
"""
