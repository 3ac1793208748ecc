"""Who may call the campaign app's task routes (rows of the access table)."""

from leadplatform.api.access import INFLUENCER

ACCESS = {
    "campaign-app:tasks": INFLUENCER,
    "campaign-app:task-complete": INFLUENCER,
    "campaign-app:task-leave": INFLUENCER,
}
