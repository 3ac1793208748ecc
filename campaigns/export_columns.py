"""Columns of the invoice export from admin (leadplatform.admin_exports)."""

from leadplatform.admin_exports import Column

INVOICES = [
    Column("number", "number"),
    Column("advertiser", "advertiser.name"),
    Column("amount", "amount"),
    Column("currency", "currency"),
    Column("date", "date"),
    Column("due_date", "due_date"),
    Column("status", "status"),
    Column("paid_at", "paid_at"),
    Column("description", "description"),
]
