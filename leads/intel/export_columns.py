"""Columns of the visit-session and company exports from admin (leadplatform.admin_exports)."""

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

#: What a CRM's company import expects first (name, domain, country, visits, score, last seen), then the rest
#: the platform knows (leads/intel/enrichment.py). Scores are the exporting member's advertiser's.
COMPANIES = [
    Column("name", "name"),
    Column("domain", "domain"),
    Column("country", "country"),
    Column("industry", "industry"),
    Column("visits", "score_visits"),
    Column("score", "rounded_score"),
    Column("last_seen", "score_last_seen"),
    Column("identified_persons", "score_persons"),
    Column("network_organisation", "network_organisation"),
    Column("network_asn", "network_asn"),
    Column("registration_id", "registration_id"),
    Column("turnover", "turnover.name"),
    Column("employees", "magnitude.name"),
]
