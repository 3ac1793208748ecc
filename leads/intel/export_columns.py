"""Columns of the visit-session export from admin (leadplatform.admin_exports)."""

from leadplatform.admin_exports import Column

VISIT_SESSIONS = [
    Column("id", "id"),
    Column("site", "site.name"),
    Column("site_domain", "site.domain"),
    Column("company", "company.name"),
    Column("company_domain", "company.domain"),
    Column("person", "person.email"),
    Column("started_at", "started_at"),
    Column("ended_at", "ended_at"),
    Column("page_count", "page_count"),
    Column("duration_seconds", "duration"),
    Column("ip_address", "ip_address"),
    Column("hostname", "hostname"),
    Column("landing_url", "landing_url"),
    Column("referrer", "referrer"),
    Column("utm_source", "utm_source"),
    Column("utm_medium", "utm_medium"),
    Column("utm_campaign", "utm_campaign"),
    Column("utm_term", "utm_term"),
    Column("utm_content", "utm_content"),
]
