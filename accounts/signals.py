"""Keep credentials in step with the grants behind them, whatever path changes the grants."""

from __future__ import annotations

from django.db.models.signals import post_delete
from django.dispatch import Signal, receiver

from .models import Membership

#: Sent (after commit) when a suspended or inactive advertiser is made active again; `advertiser` is it.
#: The apps that hold an advertiser's work while it is held resume it on this signal.
advertiser_reactivated = Signal()


@receiver(post_delete, sender=Membership, dispatch_uid="accounts.revoke_tokens_of_removed_member")
def revoke_tokens_of_removed_member(sender, instance: Membership, **kwargs) -> None:
    # A membership deleted outside remove_member (a queryset, an admin inline, a cascade)
    # still takes the member's tokens for that advertiser with it.
    from .services import revoke_member_tokens

    revoke_member_tokens(instance.user_id, instance.advertiser_id)
