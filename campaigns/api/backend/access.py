"""Who may call the campaign backend routes: the one permission table of issue 4.

TENANT rows: platform tokens for everything, advertiser tokens limited to their own
advertiser (the views resolve every id through `for_principal`: a foreign id is a 404 and
lists without one return only their rows). PLATFORM rows are platform-wide: 403 for
advertiser tokens.
"""
from leadplatform.api.access import PLATFORM, TENANT

# Groups of the issue, each route in exactly one.
GROUPS = {
    "campaign": (TENANT, ["campaigns", "campaign-settings", "campaign-status", "campaign-pre-register",
                          "campaign-post-register"]),
    "task": (TENANT, ["tasks", "task-status", "task-payments", "task-actions", "task-custom"]),
    "advertiser": (TENANT, ["advertiser-stats-financial", "advertiser-maximum-limit", "advertiser-invoices"]),
    "campaign-stats": (TENANT, ["campaigns-stats-general", "campaigns-stats-status", "campaigns-stats-networks"]),
    "single-campaign": (TENANT, ["campaign-stats-networks", "campaign-stats-costs"]),
    "lists": (TENANT, ["lists-locations", "lists-allowed-countries", "lists-allowed-cities",
                       "lists-allowed-categories", "lists-allowed-campaigns"]),
    "exchange": (TENANT, ["tools-exchange"]),
    "user-management": (PLATFORM, ["user-status", "user-ban", "user-notification", "user-force-logout",
                                   "user-custom-social-wall"]),
    "general-tools": (PLATFORM, ["tools-check-user", "tools-user-ban"]),
    "checks": (PLATFORM, ["advertiser-check", "user-check"]),
    "platform-stats": (PLATFORM, ["general-stats-pending", "general-stats-financial",
                                  "general-stats-estimated-publishers", "general-stats-potential-publishers",
                                  "users-stats-sex", "users-stats-age", "users-stats-preferences",
                                  "publishers-stats-status", "publishers-stats-activity"]),
    "advertisers-list": (PLATFORM, ["lists-advertisers"]),
}

ACCESS = {f"backend:{name}": rule for rule, names in GROUPS.values() for name in names}
