"""The web connector: a lead's own pages (profile page, link-in-bio site) read for contact details.

It fetches through the shared guarded client, so private addresses, metadata endpoints and
redirects into them are refused like any other outbound request, and it reads at most one
page per lead: the website the profile links to.
"""

from __future__ import annotations

import html
import re

from leads import outbound

from .base import Capability, Connector, Profile
from .http import ProviderHTTP, SpeedLimits

MAILTO_RE = re.compile(r"mailto:([^\"'?>\s]+)", re.IGNORECASE)
TEL_RE = re.compile(r"tel:([+\d][\d ().-]{6,20})", re.IGNORECASE)
MAX_PAGE_BYTES = 1024 * 1024


class WebConnector(Connector):
    name = "Web pages"
    capabilities = frozenset({Capability.PROFILE})

    def __init__(self, credential, limits: SpeedLimits) -> None:
        self.credential = credential
        # One rate budget per advertiser's web credential: link-in-bio sites are many small hosts.
        self.http = ProviderHTTP(
            "", provider=self.name, rate_key=f"credential:{credential.pk}", limits=limits, use_proxies=True
        )

    def close(self) -> None:
        self.http.close()

    def check(self) -> str:
        return "lead websites"  # nothing to sign in to: each lead's own site is read when enriched

    def enrich(self, profile: Profile) -> Profile:
        """The profile with the e-mails and phones its website shows (mailto:, tel:, text)."""
        from leads.ingest import extract_emails, extract_phones

        url = (profile.website or "").strip()
        if not url.startswith(("http://", "https://")):
            return profile
        try:
            response = outbound.request(
                "GET",
                url,
                headers={"Accept": "text/html"},
                timeout=self.http.timeout,
                max_bytes=MAX_PAGE_BYTES,
                session=self.http.session,
                retries=1,
            )
        except outbound.OutboundError:
            return profile  # an unreachable or refused site adds nothing; the lead is kept as it is
        if not response.ok:
            return profile
        page = html.unescape(response.text)
        emails = [m.split("?")[0] for m in MAILTO_RE.findall(page)] + extract_emails(re.sub(r"<[^>]+>", " ", page))
        phones = extract_phones(" ".join(TEL_RE.findall(page)))
        profile.emails = list(dict.fromkeys(profile.emails + [e.lower() for e in emails if "@" in e]))[:5]
        profile.phones = list(dict.fromkeys(profile.phones + phones))[:5]
        return profile
