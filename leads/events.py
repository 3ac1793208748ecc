"""What the scraping services announce. The services send these signals and import neither the Celery
tasks (`leads.tasks`) nor the webhooks (`leads.webhooks`); the receivers in `leads.signals` turn them
into Celery tasks and webhook deliveries. So imports point one way: tasks → services → events.

Receivers run at once, in the sender's transaction (a Django signal is a plain call): a webhook
delivery recorded for a finished job commits or rolls back with the job's own change. A sender
that means "after commit" sends from its `transaction.on_commit` callback.
"""

from django.dispatch import Signal

#: A job of any kind reached its end: `job` (the ScrapeJob), `event` ("job.completed" or "job.failed").
job_finished = Signal()
#: Social jobs wait in the queue and a worker should claim one, after `countdown` seconds (None: now).
social_jobs_waiting = Signal()
#: The web job `job_id` may start now (the runner still checks its advertiser's free slots).
web_job_ready = Signal()
#: Webhook deliveries `delivery_ids` were recorded and committed: send them.
webhook_deliveries_ready = Signal()
#: The background export `export_id` was recorded and committed: write its file.
background_export_ready = Signal()
#: Lead intelligence recorded the company alerts `alert_ids` (in the sender's transaction): notify.
company_alerts_recorded = Signal()
