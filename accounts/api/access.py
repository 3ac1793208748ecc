"""Who may call the credential endpoints (rows of the access table)."""
from leadplatform.api.access import ANYONE, AUTHENTICATED, TENANT

ACCESS = {
    "web-auth:login": ANYONE,
    "web-auth:register": ANYONE,
    "intel-auth:api-token-get": ANYONE,
    "intel-auth:api-token-reset": TENANT | AUTHENTICATED,
}
