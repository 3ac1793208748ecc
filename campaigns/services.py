"""Campaign rules: the status machine, eligibility of influencers, network approval, currency conversion."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import BooleanField, Case, F, Q, When
from django.utils import timezone

from accounts.models import Network, Publisher, SocialAccount
from leadplatform.domain import InvalidInput, PermissionRefused, RuleRefused

from .models import Campaign, ExchangeRate
from .money import quantize_money

AVAILABILITY_KEYS = {
    SocialAccount.Kind.USER: "social_users_available",
    SocialAccount.Kind.PAGE: "social_pages_available",
    SocialAccount.Kind.WALL: "social_walls_available",
    SocialAccount.Kind.CHANNEL: "social_channels_available",
}


class RuleBroken(RuleRefused):
    """A lifecycle rule refused the action; the message names the rule."""


class NotEligible(PermissionRefused):
    """The influencer may not take part: banned, suspended, outside the targeting, no approved account."""


# ------------------------------------------------------------------------------
# Status machine
# ------------------------------------------------------------------------------
STATUS_MESSAGES = {
    Campaign.Status.PENDING: "Campaign submitted",
    Campaign.Status.ACTIVE: "Campaign activated",
    Campaign.Status.PAUSED: "Campaign paused",
    Campaign.Status.COMPLETED: "Campaign completed",
    Campaign.Status.CANCELLED: "Campaign cancelled",
    Campaign.Status.DRAFT: "Campaign returned to draft",
}


def change_campaign_status(campaign: Campaign, status: str) -> Campaign:
    """Move the campaign along draft → pending → active ⇄ paused → completed | cancelled."""
    if status not in Campaign.Status.values:
        raise InvalidInput({"status": f"Unknown status {status!r}."})
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status == status:
            raise RuleBroken(f"The campaign is already {status}.")
        if not locked.can_move_to(status):
            raise RuleBroken(f"A {locked.status} campaign cannot become {status}.")
        if status == Campaign.Status.ACTIVE and not locked.networks:
            raise RuleBroken("A campaign needs at least one network before it can be activated.")
        locked.status = status
        if status == Campaign.Status.ACTIVE and locked.date_start is None:
            locked.date_start = timezone.now()
        locked.save(update_fields=["status", "date_start"])
    campaign.status, campaign.date_start = locked.status, locked.date_start
    return campaign


# ------------------------------------------------------------------------------
# Influencers
# ------------------------------------------------------------------------------
def ensure_publisher_can_act(publisher: Publisher | None) -> Publisher:
    if publisher is None:
        raise NotEligible("Only influencers can do this.")
    if publisher.banned:
        raise NotEligible("Your account is banned" + (f": {publisher.ban_reason}" if publisher.ban_reason else "."))
    if publisher.status != Publisher.Status.ACTIVE:
        raise NotEligible(f"Your account is {publisher.status}.")
    return publisher


def approved_accounts(publisher: Publisher) -> list[tuple[str, str]]:
    """(network, kind) of the influencer's approved accounts, in one query."""
    return list(
        publisher.social_accounts.filter(approval=SocialAccount.Approval.APPROVED)
        .values_list("network", "kind")
        .distinct()
    )


def network_availability(networks: list[str], accounts: list[tuple[str, str]]) -> dict[str, dict[str, bool]]:
    """The seed's `publisher` block: per account kind, whether the influencer has an approved one per network."""
    owned = set(accounts)
    return {key: {network: (network, kind) in owned for network in networks} for kind, key in AVAILABILITY_KEYS.items()}


def ensure_publisher_matches(campaign: Campaign, publisher: Publisher) -> None:
    """Targeting (countries, cities) and an approved account on one of the campaign's networks."""
    countries = {country.pk for country in campaign.target_countries.all()}
    if countries and publisher.country_id not in countries:
        raise NotEligible("This campaign does not target your country.")
    cities = {city.pk for city in campaign.target_cities.all()}
    if cities and publisher.city_id not in cities:
        raise NotEligible("This campaign does not target your city.")
    networks = {network for network, _ in approved_accounts(publisher)}
    if not networks.intersection(campaign.networks or []):
        raise NotEligible("You need an approved account on one of this campaign's networks.")


def campaigns_for_publisher(
    campaigns, publisher: Publisher, *, listing: str = "all", category: str | None = None, network: str | None = None
):
    """The app's campaign list: the visible campaigns that target the influencer, narrowed by `listing`."""
    now = timezone.now()
    running = Q(date_end__isnull=True) | Q(date_end__gt=now)
    if listing == "joined":
        campaigns = campaigns.filter(pk__in=publisher.tasks.values("campaign_id"))
    else:
        campaigns = campaigns.targeting(publisher)
    if listing == "active":
        campaigns = campaigns.filter(running, status=Campaign.Status.ACTIVE)
    elif listing == "upcoming":
        campaigns = campaigns.filter(status=Campaign.Status.PENDING)
    elif listing == "ended":
        campaigns = campaigns.filter(Q(status=Campaign.Status.COMPLETED) | ~running)
    elif listing == "featured":
        campaigns = campaigns.filter(tasks_featured=True)
    if category:
        campaigns = campaigns.in_category(category)
    if network:
        campaigns = campaigns.on_network(network)
    return in_listing_order(campaigns, now)


def in_listing_order(campaigns, now):
    """Campaigns one can still take part in first (featured, then active before upcoming, then the soonest
    to close, open-ended last), ended ones after them, the most recently ended first."""
    ended = Q(status=Campaign.Status.COMPLETED) | Q(date_end__lte=now)
    return campaigns.alias(
        listing_ended=Case(When(ended, then=True), default=False, output_field=BooleanField()),
        listing_upcoming=Case(
            When(status=Campaign.Status.PENDING, then=True), default=False, output_field=BooleanField()
        ),
        closes_at=Case(When(listing_ended=False, then=F("date_end"))),
    ).order_by(
        "listing_ended",
        "-tasks_featured",
        "listing_upcoming",
        F("closes_at").asc(nulls_last=True),
        F("date_end").desc(nulls_last=True),
        "-id",
    )


def submit_network_for_approval(
    publisher: Publisher, network: str, network_id: str, url: str = "", kind: str = SocialAccount.Kind.USER
) -> SocialAccount:
    """Add (or resubmit after a rejection) a network account; staff approve it in admin."""
    ensure_publisher_can_act(publisher)
    if network not in Network.values:
        raise InvalidInput({"network_type": f"Unknown network {network!r}."})
    with transaction.atomic():
        account, created = SocialAccount.objects.select_for_update().get_or_create(
            publisher=publisher,
            network=network,
            kind=kind,
            network_id=network_id,
            defaults={"url": url, "approval": SocialAccount.Approval.PENDING},
        )
        if created:
            return account
        if account.approval == SocialAccount.Approval.APPROVED:
            raise RuleBroken("This network account is already approved.")
        if account.approval == SocialAccount.Approval.PENDING:
            raise RuleBroken("This network account is already awaiting approval.")
        account.approval = SocialAccount.Approval.PENDING
        account.url = url or account.url
        account.save(update_fields=["approval", "url"])
    return account


# ------------------------------------------------------------------------------
# Money
# ------------------------------------------------------------------------------
def exchange_rate(base: str, quote: str) -> Decimal:
    """Units of `quote` for one `base`, from a stored rate or the inverse of one."""
    base, quote = base.upper(), quote.upper()
    if base == quote:
        return Decimal("1")
    rates = {
        (rate.base, rate.quote): rate.rate
        for rate in ExchangeRate.objects.filter(base__in=[base, quote], quote__in=[base, quote])
    }
    if (base, quote) in rates:
        return rates[(base, quote)]
    if (quote, base) in rates:
        return Decimal("1") / rates[(quote, base)]
    raise RuleBroken(f"No exchange rate from {base} to {quote}.")


def convert_amount(amount: Decimal, base: str, quote: str) -> Decimal:
    return quantize_money(Decimal(amount) * exchange_rate(base, quote), quote)
