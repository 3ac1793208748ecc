"""Who may call the web-scraper surface (/api/web/v1/): rows of the access table.

TENANT: members read with safe methods (viewers too); creating and deleting jobs and
webhooks need a manager or owner.
"""

from leadplatform.api.access import TENANT

ACCESS = {
    "web:jobs": TENANT,
    "web:job-detail": TENANT,
    "web:job-rerun": TENANT,
    "web:job-schedule": TENANT,
    "web:results": TENANT,
    "web:results-export": TENANT,
    "web:export-status": TENANT,
    "web:export-download": TENANT,
    "web:monitoring-stats": TENANT,
    "web:monitoring-proxies": TENANT,
    "web:monitoring-system": TENANT,
    "web:webhooks": TENANT,
    "web:webhook-detail": TENANT,
    "web:webhook-rotate-secret": TENANT,
}
