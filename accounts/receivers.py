"""Keep credentials in step with the grants behind them, whatever path changes the grants."""

from __future__ import annotations

from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Membership
from .services import revoke_member_tokens


@receiver(post_delete, sender=Membership, dispatch_uid="accounts.revoke_tokens_of_removed_member")
def revoke_tokens_of_removed_member(sender, instance: Membership, **kwargs) -> None:
    # A membership deleted outside remove_member (a queryset, an admin inline, a cascade)
    # still takes the member's tokens for that advertiser with it.
    revoke_member_tokens(instance.user_id, instance.advertiser_id)
