"""Local development and `make run`: DEBUG on by default, everything embedded."""

from .base import *  # noqa: F401,F403
from .base import VAR_DIR, env

DEBUG = env.bool("DEBUG", default=True)

# `make run` (bin/run) records the address it serves at, so that the commands run beside it
# (`manage.py seed_demo` pointing the demo crawls and webhook at the platform) agree with it on
# any PORT without SITE_URL being set. An explicit SITE_URL still wins.
RUN_ADDRESS_FILE = VAR_DIR / "site-url"
SITE_URL = env("SITE_URL", default=RUN_ADDRESS_FILE.read_text().strip() if RUN_ADDRESS_FILE.exists() else "")
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)

# ------------------------------------------------------------------------------
# Demo site: web crawls and webhooks of the demo data go to this platform's own
# /demo-site/ on loopback, which the SSRF guard denies everywhere else. Only local
# settings open loopback (docs/web-scraper.md, "Demo site"); production never does.
# ------------------------------------------------------------------------------
DEMO_SITE_ENABLED = env.bool("DEMO_SITE_ENABLED", default=True)
SCRAPER_ALLOWED_NETWORKS = env("SCRAPER_ALLOWED_NETWORKS", default="127.0.0.1/32,::1/128")
