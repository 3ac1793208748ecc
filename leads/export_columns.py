"""Columns of the web-result export from admin (leadplatform.admin_exports); leads use `exports.leads_table`."""

from leadplatform.admin_exports import Column

WEB_RESULTS = [
    Column("id", "id"),
    Column("job_id", "job.public_id"),
    Column("job_url", "job.url"),
    Column("url", "url"),
    Column("scraped_at", "scraped_at"),
    Column("data", "data"),
]
