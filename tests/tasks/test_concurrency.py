"""Races: twenty concurrent pay or complete calls make one payment / one submission; concurrent
payments of different tasks never pass the advertiser's maximum limit."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.test import APIClient

from campaigns.services import RuleBroken
from tasks import services
from tasks.models import Payment, Submission, Task

from ..campaigns.factories import CampaignFactory, TaskFactory
from ..factories import AdvertiserFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 20


def race(count: int, work) -> list:
    """Run work(i) in `count` threads released together; each closes its own connection."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except RuleBroken as exc:
            results[index] = f"refused: {exc}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_twenty_concurrent_payments_of_one_task_make_one_payment():
    task = TaskFactory(status=Task.Status.ACCEPTED)
    results = race(THREADS, lambda i: services.pay_task(Task.objects.get(pk=task.pk), None).pk)
    paid = [r for r in results if isinstance(r, int)]
    assert len(paid) == 1
    assert all(r == "refused: This task has already been paid." for r in results if not isinstance(r, int))
    assert Payment.objects.filter(task=task).count() == 1
    task.refresh_from_db()
    assert task.status == Task.Status.PAID


def test_concurrent_payments_never_pass_the_maximum_limit():
    advertiser = AdvertiserFactory(maximum_limit=Decimal("165.00"))
    campaign = CampaignFactory(advertiser=advertiser, bonus_active=False)  # 55.00 per task
    tasks = [TaskFactory(campaign=campaign, status=Task.Status.ACCEPTED) for _ in range(10)]
    results = race(len(tasks), lambda i: services.pay_task(Task.objects.get(pk=tasks[i].pk), None).pk)
    assert sum(isinstance(r, int) for r in results) == 3
    assert services.advertiser_spent(advertiser.pk) == Decimal("165.00")


def test_twenty_concurrent_completions_through_the_api_make_one_submission(publisher, app_credentials):
    task = TaskFactory(publisher=publisher.user.publisher)

    def complete(index: int) -> int:
        client = APIClient()
        client.credentials(
            HTTP_X_CLIENT_ID=app_credentials[0],
            HTTP_X_CLIENT_SECRET=app_credentials[1],
            HTTP_AUTHORIZATION=f"Bearer {publisher.token}",
        )
        return client.post(
            "/api/action/task/complete/",
            {"task_id": task.pk, "post_url": f"https://instagram.com/p/{index}"},
            format="json",
        ).status_code

    statuses = race(THREADS, complete)
    assert sorted(statuses) == [200] + [409] * (THREADS - 1)
    assert Submission.objects.filter(task=task).count() == 1


def test_twenty_concurrent_joins_make_one_task(publisher, app_credentials):
    campaign = CampaignFactory()

    def join(index: int) -> int:
        client = APIClient()
        client.credentials(
            HTTP_X_CLIENT_ID=app_credentials[0],
            HTTP_X_CLIENT_SECRET=app_credentials[1],
            HTTP_AUTHORIZATION=f"Bearer {publisher.token}",
        )
        return client.post("/api/action/campaign/join/", {"campaign_id": campaign.pk}, format="json").status_code

    statuses = race(THREADS, join)
    assert sorted(statuses) == [200] + [409] * (THREADS - 1)
    assert Task.objects.filter(campaign=campaign).count() == 1
