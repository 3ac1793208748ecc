"""Columns of the task and payment exports from admin (leadplatform.admin_exports)."""

from leadplatform.admin_exports import Column

TASKS = [
    Column("id", "id"),
    Column("title", "title"),
    Column("campaign", "campaign.name"),
    Column("publisher", "publisher.user.username"),
    Column("type", "type"),
    Column("status", "status"),
    Column("deadline", "deadline"),
    Column("joined_at", "joined_at"),
    Column("completed_at", "completed_at"),
    Column("reviewed_at", "reviewed_at"),
    Column("post_url", "submission.post_url"),
    Column("reach", "reach"),
    Column("engagement", "engagement"),
    Column("likes", "likes"),
    Column("comments", "comments"),
    Column("best_post", "best_post"),
    Column("paid_total", "payment.total"),
    Column("paid_currency", "payment.currency"),
]

PAYMENTS = [
    Column("id", "id"),
    Column("task_id", "task_id"),
    Column("task", "task.title"),
    Column("campaign", "task.campaign.name"),
    Column("publisher", "publisher.user.username"),
    Column("minimum", "minimum"),
    Column("post", "post"),
    Column("bonus_reach", "bonus_reach"),
    Column("bonus_engagement_rate", "bonus_engagement_rate"),
    Column("bonus_best_post", "bonus_best_post"),
    Column("total", "total"),
    Column("currency", "currency"),
    Column("charged", "charged"),
    Column("charged_currency", "charged_currency"),
    Column("created_at", "created_at"),
]
