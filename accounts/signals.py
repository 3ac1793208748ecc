"""Signals the account rules send, for the apps that act on them (their receivers live with those apps)."""

from __future__ import annotations

from django.dispatch import Signal

#: Sent (after commit) when a suspended or inactive advertiser is made active again; `advertiser` is it.
#: The apps that hold an advertiser's work while it is held resume it on this signal.
advertiser_reactivated = Signal()
