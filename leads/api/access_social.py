"""Who may call the social lead-generation surfaces (/api/v1/ and /api/social/): rows of the access table.

TENANT: members read with safe methods (viewers too); creating, running, scheduling,
resetting and deleting need a manager or owner.
"""

from leadplatform.api.access import TENANT

ACCESS = {
    # /api/v1/ (the social lead API)
    "v1:jobs-list": TENANT,
    "v1:jobs-detail": TENANT,
    "v1:jobs-run": TENANT,
    "v1:jobs-schedule": TENANT,
    "v1:targets-list": TENANT,
    "v1:targets-detail": TENANT,
    "v1:leads-list": TENANT,
    "v1:leads-detail": TENANT,
    "v1:leads-export": TENANT,
    "v1:export-status": TENANT,
    "v1:export-download": TENANT,
    "v1:content-analysis-list": TENANT,
    "v1:content-analysis-detail": TENANT,
    "v1:stats": TENANT,
    "v1:connectors-list": TENANT,
    "v1:connectors-detail": TENANT,
    "v1:connectors-test": TENANT,
    # /api/social/ (the group-post API)
    "social:tasks-list": TENANT,
    "social:tasks-detail": TENANT,
    "social:tasks-reset": TENANT,
    "social:tasks-result": TENANT,
}
