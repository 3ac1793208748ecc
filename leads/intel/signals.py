"""Receivers of what lead intelligence announces (`leads.events`): alerts become webhook deliveries and e-mails."""

from functools import partial

from django.db import transaction
from django.dispatch import receiver

from leads import events, webhooks
from leads.models import Webhook
from leads.publishing import send_or_leave_for_beat

from . import tasks
from .alerts import alert_data
from .models import CompanyAlert


@receiver(events.company_alerts_recorded, dispatch_uid="intel.notify_company_alerts")
def notify_company_alerts(sender, alert_ids: list[int], **kwargs) -> None:
    for alert in CompanyAlert.objects.filter(pk__in=alert_ids).select_related("rule", "company"):
        webhooks.emit_event(alert.advertiser_id, Webhook.Event.COMPANY_ALERT, alert_data(alert))
    send = partial(tasks.send_alert_emails.delay, alert_ids)
    transaction.on_commit(lambda: send_or_leave_for_beat(send, f"alert e-mails {alert_ids}"))
