"""A reverse-DNS table for tests (settings.INTEL_REVERSE_DNS points here): no real DNS is queried."""

PTR: dict[str, str] = {}
QUERIES: list[str] = []


def reverse_dns(ip: str) -> str | None:
    QUERIES.append(ip)
    return PTR.get(ip)
