"""Who may call each route of the /api/intel/v1 surface (rows of the access table).

TENANT: members read with safe methods (viewers too); writing saved filters and the
blacklist needs a manager or owner.
"""

from leadplatform.api.access import ANYONE, TENANT

RESOURCES = ("session", "company", "person", "saved-filter", "blacklist", "turnover", "magnitude")

ACCESS = {
    # The surface's index: resource links and routes, nothing of any tenant.
    "intel:api-root": ANYONE,
    # Public: the tracking snippet on advertisers' sites (bounded and throttled per key and address).
    "intel:collect": ANYONE,
    **{f"intel:{resource}-{kind}": TENANT for resource in RESOURCES for kind in ("list", "detail")},
}
