"""Who may call the campaign app routes (rows of the access table).

The influencer routes also require the client application's credentials: the
authenticator refuses a request without them before this table is read.
"""

from leadplatform.api.access import ANYONE, APPLICATION, INFLUENCER

ACCESS = {
    "campaign-app:leaderboard": INFLUENCER,
    "campaign-app:campaigns": INFLUENCER,
    "campaign-app:campaign": INFLUENCER,
    "campaign-app:campaign-join": INFLUENCER,
    "campaign-app:network-approval": INFLUENCER,
    "campaign-app:notifications": INFLUENCER,
    "campaign-app:notifications-read": INFLUENCER,
    "campaign-app:public-campaigns": ANYONE,
    "campaign-app:register": APPLICATION,
    "campaign-app:token": APPLICATION,
}
