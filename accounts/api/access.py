"""Who may call the credential endpoints (rows of the access table)."""

from leadplatform.api.access import ANYONE, AUTHENTICATED

ACCESS = {
    "web-auth:login": ANYONE,
    "web-auth:register": ANYONE,
    "intel-auth:api-token-get": ANYONE,
    # Any member may reset their own token, a viewer too: it changes no tenant data.
    "intel-auth:api-token-reset": AUTHENTICATED,
}
