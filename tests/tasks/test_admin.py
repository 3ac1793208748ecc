"""Advertiser admin: members see and act on their advertiser's rows only; review goes through the services."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, SocialAccount
from campaigns.models import Campaign
from tasks.models import Payment, Task

from ..campaigns.factories import CampaignFactory, InvoiceFactory, PaymentFactory, SubmissionFactory
from ..campaigns.images import bomb_png_bytes, png_bytes, upload
from ..factories import MembershipFactory, SocialAccountFactory

pytestmark = pytest.mark.django_db


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def campaign_form(**fields) -> dict:
    """A valid campaign admin form; `fields` override or add."""
    return {
        "name": "Admin made",
        "type": "standard",
        "tagline": "",
        "hashtags": "",
        "networks": ["instagram"],
        "currency": "USD",
        "task_type": "post",
        "task_time": 24,
        "task_time_unit": "hours",
        "minimum_reward": "0",
        "post_rate": "0",
        "promo_reach_bonus": "0",
        "promo_engagement_rate_bonus": "0",
        "promo_best_post_bonus": "0",
        "reach_bonus_threshold": 0,
        "engagement_rate_bonus_threshold": "0",
        **fields,
    }


@pytest.fixture
def rows(advertiser, other_advertiser):
    mine = CampaignFactory(advertiser=advertiser, name="Mine campaign")
    theirs = CampaignFactory(advertiser=other_advertiser, name="Theirs campaign")
    return {
        "campaign": mine,
        "other_campaign": theirs,
        "task": SubmissionFactory(task__campaign=mine, task__title="Mine task").task,
        "other_task": SubmissionFactory(task__campaign=theirs, task__title="Theirs task").task,
        "payment": PaymentFactory(task__campaign=mine, task__title="Mine paid"),
        "other_payment": PaymentFactory(task__campaign=theirs, task__title="Theirs paid"),
        "invoice": InvoiceFactory(advertiser=advertiser, number="INV-MINE"),
        "other_invoice": InvoiceFactory(advertiser=other_advertiser, number="INV-THEIRS"),
    }


@pytest.mark.parametrize(
    ("url", "mine", "theirs"),
    [
        ("admin:campaigns_campaign_changelist", "Mine campaign", "Theirs campaign"),
        ("admin:tasks_task_changelist", "Mine task", "Theirs task"),
        ("admin:tasks_payment_changelist", "Mine paid", "Theirs paid"),
        ("admin:campaigns_invoice_changelist", "INV-MINE", "INV-THEIRS"),
    ],
)
def test_member_changelists_show_only_their_advertiser(member, rows, url, mine, theirs):
    response = admin_client(member.user).get(reverse(url))
    assert response.status_code == 200
    content = response.content.decode()
    assert mine in content
    assert theirs not in content


def test_task_campaign_filter_offers_only_own_campaigns(member, rows):
    content = admin_client(member.user).get(reverse("admin:tasks_task_changelist")).content.decode()
    assert "Theirs campaign" not in content


def test_staff_see_every_advertiser(staff, rows):
    content = admin_client(staff.user).get(reverse("admin:tasks_task_changelist")).content.decode()
    assert "Mine task" in content and "Theirs task" in content


@pytest.mark.parametrize("key", ["other_campaign", "other_task", "other_invoice"])
def test_another_advertisers_row_is_not_found(member, rows, key):
    obj = rows[key]
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    response = admin_client(member.user).get(url)
    # Django admin answers an object outside the queryset with a redirect to the index, "doesn't exist".
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_bulk_approve_and_pay_through_the_services(member, rows):
    client = admin_client(member.user)
    changelist = reverse("admin:tasks_task_changelist")
    ids = [rows["task"].pk, rows["other_task"].pk]  # a foreign id in the selection is ignored
    client.post(changelist, {"action": "approve_selected", "_selected_action": ids})
    rows["task"].refresh_from_db()
    rows["other_task"].refresh_from_db()
    assert rows["task"].status == Task.Status.ACCEPTED
    assert rows["other_task"].status == Task.Status.UNDER_REVIEW
    response = client.post(changelist, {"action": "pay_selected", "_selected_action": ids}, follow=True)
    assert "1 task(s) paid." in response.content.decode()
    payment = Payment.objects.get(task=rows["task"])
    assert payment.total == Decimal("55.00") and payment.paid_by == member.user
    assert not Payment.objects.filter(task=rows["other_task"]).exists()


def test_bulk_refusals_are_reported(member, rows):
    response = admin_client(member.user).post(
        reverse("admin:tasks_task_changelist"),
        {"action": "pay_selected", "_selected_action": [rows["task"].pk]},
        follow=True,
    )
    assert "Only an accepted task can be paid" in response.content.decode()


def test_one_by_one_buttons(member, rows):
    client = admin_client(member.user)
    task = rows["task"]
    page = client.get(reverse("admin:tasks_task_change", args=[task.pk])).content.decode()
    assert reverse("admin:tasks_task_review", args=[task.pk, "approve"]) in page
    client.post(reverse("admin:tasks_task_review", args=[task.pk, "reject"]))
    task.refresh_from_db()
    assert task.status == Task.Status.REJECTED


def test_review_buttons_refuse_foreign_tasks_and_get(member, rows):
    client = admin_client(member.user)
    foreign = rows["other_task"]
    assert client.post(reverse("admin:tasks_task_review", args=[foreign.pk, "approve"])).status_code == 404
    assert client.get(reverse("admin:tasks_task_review", args=[rows["task"].pk, "approve"])).status_code == 405
    foreign.refresh_from_db()
    assert foreign.status == Task.Status.UNDER_REVIEW


def test_viewer_may_look_but_not_review(advertiser, rows):
    viewer = MembershipFactory(advertiser=advertiser, role=Membership.Role.VIEWER).user
    client = admin_client(viewer)
    assert client.get(reverse("admin:tasks_task_changelist")).status_code == 200
    client.post(reverse("admin:tasks_task_review", args=[rows["task"].pk, "approve"]))
    client.post(
        reverse("admin:tasks_task_changelist"), {"action": "approve_selected", "_selected_action": [rows["task"].pk]}
    )
    client.post(
        reverse("admin:campaigns_campaign_changelist"),
        {"action": "make_paused", "_selected_action": [rows["campaign"].pk]},
    )
    rows["task"].refresh_from_db()
    rows["campaign"].refresh_from_db()
    assert rows["task"].status == Task.Status.UNDER_REVIEW
    assert rows["campaign"].status == Campaign.Status.ACTIVE


def test_member_adds_a_campaign_for_their_advertiser_only(member, other_advertiser):
    client = admin_client(member.user)
    data = campaign_form(
        advertiser=other_advertiser.pk,
        description="<p>Hi<script>x()</script></p>",
        hashtags="#a",
        minimum_reward="10",
        post_rate="5",
        image_logo=upload(png_bytes(), "logo.png"),
    )
    response = client.post(reverse("admin:campaigns_campaign_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get(name="Admin made")
    assert campaign.advertiser == member.advertiser
    assert campaign.status == Campaign.Status.DRAFT
    assert campaign.description == "<p>Hi</p>"
    assert campaign.image_logo.name.startswith(f"campaigns/advertiser_{member.advertiser.pk}/")


def test_admin_refuses_a_decompression_bomb_logo(member):
    data = campaign_form(name="Bomb", image_logo=upload(bomb_png_bytes(), "bomb.png"))
    response = admin_client(member.user).post(reverse("admin:campaigns_campaign_add"), data)
    assert response.status_code == 200
    assert "too many pixels" in response.content.decode()
    assert not Campaign.objects.filter(name="Bomb").exists()


def test_campaign_status_actions_follow_the_machine(member, rows):
    client = admin_client(member.user)
    campaign = rows["campaign"]
    response = client.post(
        reverse("admin:campaigns_campaign_changelist"),
        {"action": "make_pending", "_selected_action": [campaign.pk]},
        follow=True,
    )
    assert "active campaign cannot become pending" in response.content.decode()
    client.post(
        reverse("admin:campaigns_campaign_changelist"),
        {"action": "make_paused", "_selected_action": [campaign.pk, rows["other_campaign"].pk]},
    )
    campaign.refresh_from_db()
    rows["other_campaign"].refresh_from_db()
    assert campaign.status == Campaign.Status.PAUSED
    assert rows["other_campaign"].status == Campaign.Status.ACTIVE


def test_network_approval_queue_is_staff_only(staff, member):
    account = SocialAccountFactory(approval=SocialAccount.Approval.PENDING)
    approved = SocialAccountFactory()
    url = reverse("admin:campaigns_pendingsocialaccount_changelist")
    assert admin_client(member.user).get(url).status_code == 403
    client = admin_client(staff.user)
    content = client.get(url).content.decode()
    assert account.network_id in content and approved.network_id not in content
    client.post(url, {"action": "approve", "_selected_action": [account.pk]})
    account.refresh_from_db()
    assert account.approval == SocialAccount.Approval.APPROVED


def test_every_admin_page_renders_for_staff(staff, rows):
    client = admin_client(staff.user)
    for name in (
        "campaigns_campaign",
        "campaigns_invoice",
        "campaigns_category",
        "campaigns_country",
        "campaigns_city",
        "campaigns_exchangerate",
        "campaigns_pendingsocialaccount",
        "tasks_task",
        "tasks_payment",
    ):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    for obj in (rows["campaign"], rows["task"], rows["payment"], rows["invoice"]):
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        assert client.get(url).status_code == 200, url


def test_admin_login_page_renders_and_lets_members_in(member, client):
    assert client.get(reverse("admin:login")).status_code == 200
    from ..factories import PASSWORD

    response = client.post(
        reverse("admin:login"),
        {"username": member.user.username, "password": PASSWORD, "next": reverse("admin:tasks_task_changelist")},
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:tasks_task_changelist")).status_code == 200


def test_status_and_advertiser_cannot_be_changed_through_the_form(member, rows, other_advertiser):
    campaign = rows["campaign"]
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    data = campaign_form(advertiser=other_advertiser.pk, status="completed", name="Renamed")
    response = admin_client(member.user).post(url, data)
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "Renamed"
    assert campaign.status == Campaign.Status.ACTIVE
    assert campaign.advertiser == member.advertiser


def test_oversized_attachment_is_refused(member, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from campaigns import images

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    data = campaign_form(
        name="Big brief",
        attachment=SimpleUploadedFile("brief.pdf", b"%PDF-1.4" + b"0" * (images.MAX_ATTACHMENT_BYTES + 1)),
    )
    response = admin_client(member.user).post(reverse("admin:campaigns_campaign_add"), data)
    assert response.status_code == 200
    assert "larger than" in response.content.decode()
    assert not Campaign.objects.filter(name="Big brief").exists()


def test_a_paid_task_is_read_only(member, rows):
    payment = rows["payment"]
    page = admin_client(member.user).get(reverse("admin:tasks_task_change", args=[payment.task_id])).content.decode()
    assert 'name="reach"' not in page
