"""Template context every page of the site shares."""

from django.contrib import admin
from django.http import HttpRequest


def admin_link(request: HttpRequest) -> dict:
    """Whether the header links to admin: platform staff and advertiser members may enter it.

    A callable, so the membership query runs only on pages whose templates ask.
    """
    return {"can_enter_admin": lambda: admin.site.has_permission(request)}
