"""Who may call the campaign backend routes: the one permission table of the backend.

TENANT rows: platform tokens for everything, advertiser tokens limited to their own
advertiser (the views resolve every id through `for_principal`: a foreign id is a 404 and
lists without one return only their rows). PLATFORM rows are platform-wide: 403 for
advertiser tokens.

Every route is a POST, so each group says whether it reads (any member, viewers too) or
writes (owners and managers): changing a campaign, acting on tasks, and everything about
money (the spending limit, invoices) is a write.
"""

from leadplatform.api.access import PLATFORM, TENANT_READ, TENANT_WRITE

# Groups of routes, each route in exactly one.
GROUPS = {
    "campaign-reads": (TENANT_READ, ["campaigns"]),
    "campaign-writes": (
        TENANT_WRITE,
        ["campaign-settings", "campaign-status", "campaign-pre-register", "campaign-post-register"],
    ),
    "task-reads": (TENANT_READ, ["tasks", "task-status", "task-payments"]),
    "task-writes": (TENANT_WRITE, ["task-actions", "task-custom"]),
    "advertiser-reads": (TENANT_READ, ["advertiser-stats-financial"]),
    "advertiser-money": (TENANT_WRITE, ["advertiser-maximum-limit", "advertiser-invoices"]),
    "campaign-stats": (TENANT_READ, ["campaigns-stats-general", "campaigns-stats-status", "campaigns-stats-networks"]),
    "single-campaign": (TENANT_READ, ["campaign-stats-networks", "campaign-stats-costs"]),
    "lists": (
        TENANT_READ,
        [
            "lists-locations",
            "lists-allowed-countries",
            "lists-allowed-cities",
            "lists-allowed-categories",
            "lists-allowed-campaigns",
        ],
    ),
    "exchange": (TENANT_READ, ["tools-exchange"]),
    "user-management": (
        PLATFORM,
        ["user-status", "user-ban", "user-notification", "user-force-logout", "user-custom-social-wall"],
    ),
    "general-tools": (PLATFORM, ["tools-check-user", "tools-user-ban"]),
    "checks": (PLATFORM, ["advertiser-check", "user-check"]),
    "platform-stats": (
        PLATFORM,
        [
            "general-stats-pending",
            "general-stats-financial",
            "general-stats-estimated-publishers",
            "general-stats-potential-publishers",
            "users-stats-sex",
            "users-stats-age",
            "users-stats-preferences",
            "publishers-stats-status",
            "publishers-stats-activity",
        ],
    ),
    "advertisers-list": (PLATFORM, ["lists-advertisers"]),
}

ACCESS = {f"backend:{name}": rule for rule, names in GROUPS.values() for name in names}
