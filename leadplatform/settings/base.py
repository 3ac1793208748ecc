"""Settings shared by every environment, read from environment variables.

With no variable set the platform runs embedded: a SQLite file under var/, a Celery
broker kept in a SQLite file (kombu's SQLAlchemy transport) and the database cache.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

# Local state: the embedded database and broker, and the address `make run` serves at (local.py).
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# The well-known development key; production.py refuses to start with it.
INSECURE_DEFAULT_SECRET_KEY = "insecure-development-key-change-me-0123456789abcdefghijklmnop"

# ------------------------------------------------------------------------------
# Core
# ------------------------------------------------------------------------------
SECRET_KEY = env("SECRET_KEY", default=INSECURE_DEFAULT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The platform's public address. Unset: links shown on a page (the tracking snippet) use the
# address the page was requested at; background work (webhooks, demo crawls) uses
# http://127.0.0.1:8000 (leadplatform.site_url).
SITE_URL = env("SITE_URL", default="")

INSTALLED_APPS = [
    "leadplatform.apps.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "leadplatform.api",
    "accounts",
    "campaigns",
    "tasks",
    "leads",
    "leads.intel",
    "campaigns.stats",
]

# Each app's AppConfig declares its own periodic tasks (`periodic_tasks`, registered by
# leadplatform/beat.py) and demo data (`demo_modules`, run by `manage.py seed_demo` in the order
# of INSTALLED_APPS).

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The busiest route's common case answered here, without the rest (leads/intel/README.md, "Collect speed").
    "leads.intel.api.collect.CollectFastLaneMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "leadplatform.api.middleware.RequestGuardMiddleware",
    # Before CommonMiddleware: an API path's other slash spelling is served in place, not redirected.
    "leadplatform.api.middleware.ApiSlashMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "leadplatform.api.middleware.ApiErrorPageMiddleware",
    "leadplatform.outage_page.DependencyOutagePageMiddleware",
]

ROOT_URLCONF = "leadplatform.urls"
WSGI_APPLICATION = "leadplatform.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "leadplatform.context_processors.admin_link",
            ],
        },
    },
]

# ------------------------------------------------------------------------------
# Database
# ------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process, the worker and beat share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ------------------------------------------------------------------------------
# Cache and shared counters
# ------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
# A closed port or a dead host must fail a request in about a second (a 503), not hang it.
REDIS_CONNECT_TIMEOUT_SECONDS = env.float("REDIS_CONNECT_TIMEOUT_SECONDS", default=1.0)
REDIS_SOCKET_TIMEOUT_SECONDS = env.float("REDIS_SOCKET_TIMEOUT_SECONDS", default=2.0)
REDIS_CLIENT_OPTIONS = {
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT_SECONDS,
    "socket_timeout": REDIS_SOCKET_TIMEOUT_SECONDS,
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": REDIS_CLIENT_OPTIONS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache_table"}}

# Rate limits and usage counters need an atomic increment: Redis INCR when REDIS_URL is
# set, otherwise an INSERT … ON CONFLICT … RETURNING on the database.
COUNTER_STORE = env("COUNTER_STORE", default="redis" if REDIS_URL else "database")
# Seconds a client is told to wait (Retry-After) when Redis or the broker is unreachable (503).
DEPENDENCY_RETRY_AFTER_SECONDS = env.int("DEPENDENCY_RETRY_AFTER_SECONDS", default=30)

# ------------------------------------------------------------------------------
# Accounts and authentication
# ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.UsernameOrEmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:tokens"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# JWT access tokens of the web-scraper surface (the web scraper API): short-lived, algorithm pinned.
JWT_ALGORITHM = "HS256"
JWT_ACCESS_TOKEN_LIFETIME_SECONDS = env.int("JWT_ACCESS_TOKEN_LIFETIME_SECONDS", default=30 * 60)
JWT_SIGNING_KEY = env("JWT_SIGNING_KEY", default=SECRET_KEY)

# ------------------------------------------------------------------------------
# Internationalisation
# ------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# ------------------------------------------------------------------------------
# Static and media files
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
Path(STATIC_ROOT).mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Uploads served by Django itself under MEDIA_URL: on in local settings (`make run`); in
# production the web server or an object store serves MEDIA_ROOT (README, "Scaling out").
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# ------------------------------------------------------------------------------
# Request size limits. File uploads are capped by validators too:
# DATA_UPLOAD_MAX_MEMORY_SIZE does not count files.
# ------------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = env.int("DATA_UPLOAD_MAX_NUMBER_FILES", default=10)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
UPLOAD_MAX_IMAGE_BYTES = env.int("UPLOAD_MAX_IMAGE_BYTES", default=5 * 1024 * 1024)
UPLOAD_MAX_IMAGE_PIXELS = env.int("UPLOAD_MAX_IMAGE_PIXELS", default=40_000_000)

# ------------------------------------------------------------------------------
# Django REST framework and the API surfaces
# ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "leadplatform.api.authentication.ApiTokenAuthentication",
        "leadplatform.api.authentication.JwtAuthentication",
    ],
    # Deny by default: a view is callable only under the access rule it declares (leadplatform.api.access).
    "DEFAULT_PERMISSION_CLASSES": ["leadplatform.api.access.AccessTablePermission"],
    "DEFAULT_PARSER_CLASSES": [
        "leadplatform.api.parsers.BoundedJSONParser",
        "leadplatform.api.parsers.NulFreeFormParser",
        "leadplatform.api.parsers.NulFreeMultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["leadplatform.api.throttling.SurfaceRateThrottle"],
    "EXCEPTION_HANDLER": "leadplatform.api.exceptions.surface_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "leadplatform.api.schema.SurfaceAutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}

# Whether POST /api/web/v1/auth/register creates accounts (each with its own advertiser).
SIGNUP_OPEN = env.bool("SIGNUP_OPEN", default=True)

# JSON request bodies nested deeper than this are refused with a 400 before they are parsed.
API_MAX_JSON_DEPTH = env.int("API_MAX_JSON_DEPTH", default=64)

# Idempotency keys of money-moving requests are remembered for a day (leadplatform.api.idempotency).
# A request in progress holds its key this long; a retry after a crash takes it over once it expires.
IDEMPOTENCY_LEASE_SECONDS = env.int("IDEMPOTENCY_LEASE_SECONDS", default=30)

# Requests per principal for each surface, and stricter ones for credential endpoints.
# Format "N/second|minute|hour|day". The web scraper API fixes the web surface at 100/hour.
API_RATES = {
    "campaign-app": env("RATE_CAMPAIGN_APP", default="600/minute"),
    "campaign-backend": env("RATE_CAMPAIGN_BACKEND", default="1200/minute"),
    "leads": env("RATE_LEADS", default="1200/minute"),
    "social": env("RATE_SOCIAL", default="1200/minute"),
    "web": env("RATE_WEB", default="100/hour"),
    "intel": env("RATE_INTEL", default="1200/minute"),
    "credentials": env("RATE_CREDENTIALS", default="10/minute"),
    "credentials-ip": env("RATE_CREDENTIALS_IP", default="30/minute"),
    # Lead intelligence (the lead intelligence API): "the limits are set individually for different types of data".
    "intel-sessions": env("RATE_INTEL_SESSIONS", default="600/minute"),
    "intel-companies": env("RATE_INTEL_COMPANIES", default="600/minute"),
    "intel-persons": env("RATE_INTEL_PERSONS", default="600/minute"),
    "intel-saved-filters": env("RATE_INTEL_SAVED_FILTERS", default="120/minute"),
    "intel-blacklist": env("RATE_INTEL_BLACKLIST", default="120/minute"),
    "intel-lookups": env("RATE_INTEL_LOOKUPS", default="120/minute"),
    "intel-alerts": env("RATE_INTEL_ALERTS", default="120/minute"),
    # The public collect endpoint of the tracking snippet: per site key and per client address.
    "intel-collect": env("RATE_INTEL_COLLECT", default="6000/minute"),
    "intel-collect-ip": env("RATE_INTEL_COLLECT_IP", default="120/minute"),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Lead platform API",
    "DESCRIPTION": (
        "One platform, six API surfaces. Each keeps the paths, envelopes and error shapes of the "
        "system it replaces; every API token works on every surface."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The docs pages load nothing from another host: scripts from static/ (sidecar), system
    # fonts instead of ReDoc's Google Fonts (templates/drf_spectacular/redoc.html), and no
    # Swagger UI validator badge (validator.swagger.io).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_UI_SETTINGS": {
        "theme": {
            "typography": {
                "fontFamily": "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
                "headings": {
                    "fontFamily": "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
                },
                "code": {"fontFamily": "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace"},
            }
        }
    },
    "SCHEMA_PATH_PREFIX": r"/api/",
    "PREPROCESSING_HOOKS": ["leadplatform.api.schema.only_api_paths"],
    # `<id:pk>` (leadplatform.api.converters): a whole number of up to 18 digits.
    "PATH_CONVERTER_OVERRIDES": {
        "id": {"type": "integer", "format": "int64", "minimum": 0, "maximum": 10**18 - 1},
    },
    # OpenAPI names of choice sets shared by several operations.
    "ENUM_NAME_OVERRIDES": {
        # The campaign surfaces' error bodies say `"status": "error"`.
        "ErrorStatusEnum": ["error"],
        # The social surfaces' choice sets (each surface words statuses its own way).
        "LeadsJobStatusEnum": ["queued", "running", "finished", "failed"],
        "SocialTaskStatusEnum": ["pending", "assigned", "processing", "completed", "failed"],
        "LeadsJobTypeEnum": ["hashtag", "followers", "following", "likers"],
        "SocialPlatformEnum": ["instagram", "tiktok", "facebook"],
        "ScrapePlatformEnum": "leads.models.core.Platform",
        "TargetTypeEnum": "leads.models.core.Target.Type",
        # The campaign surfaces' choice sets.
        "CampaignStatusEnum": "campaigns.models.Campaign.Status",
        "CampaignTypeEnum": "campaigns.models.Campaign.Type",
        "InvoiceStatusEnum": "campaigns.models.Invoice.Status",
        "TaskStatusEnum": "tasks.models.Task.Status",
        "TaskFilterStatusEnum": ["pending", "under_review", "accepted", "rejected", "paid"],
        "NetworkEnum": "accounts.models.Network",
        "SuccessStatusEnum": ["success"],
    },
    # One introduction per surface (the operations' tags); each operation's own texts live in the
    # surfaces' schema_docs modules (leadplatform/api/schema_docs.py).
    "TAGS": [
        {
            "name": "Web scraper",
            "description": (
                "`/api/web/v1/`: scraping jobs over any website, their results and exports, monitoring and "
                "webhooks. All API endpoints except `/auth/register` and `/auth/login` require JWT "
                "authentication: log in with your username and password, then send "
                "`Authorization: Bearer <access_token>` (an API token works too). API requests are limited "
                "to 100 requests per hour per user by default; every answer carries `X-RateLimit-Limit`, "
                '`X-RateLimit-Remaining` and `X-RateLimit-Reset`. Errors are `{"detail": …, "type": …}`.'
            ),
        },
        {
            "name": "Leads (v1)",
            "description": (
                "`/api/v1/`: social lead generation: jobs, targets, leads, content analysis and statistics. "
                "All API requests require authentication using an API token, created in the Settings page "
                "(`/settings/tokens/`): `Authorization: Bearer YOUR_TOKEN_HERE` or simply "
                "`Authorization: YOUR_TOKEN_HERE`. Each token tracks the total number of requests made and "
                'when it was last used. Answers are `{"success": true, "data": …}` with `pagination` on '
                'lists; errors are `{"error": …, "message": …}`.'
            ),
        },
        {
            "name": "Social tasks",
            "description": (
                "`/api/social/`: social media group-post scraping tasks and their results. All API requests "
                "require a Bearer token in the Authorization header: `Authorization: Bearer {your-api-token}` "
                '(generate one in Settings → API tokens). Answers are `{"status": "success", "data": …}`; '
                'a 401 is `{"message": "Unauthenticated"}` and a validation error a 422 with `errors`.'
            ),
        },
        {
            "name": "Lead intelligence",
            "description": (
                "`/api/intel/v1/`: review all the sessions and actions collected on your sites, with details "
                "on the referenced companies and persons, saved filters, a blacklist and reference tables. "
                "Get your individual, secret, long-lasting token with `api-token-get` (your e-mail address "
                "and password), then send `Authorization: Token <token>` with every other call. Lists use "
                "cursor-based pagination (follow the `next` and `previous` links); all times are in UTC. "
                "Once the answer is 429, cease requesting for the seconds in the `Retry-After` header."
            ),
        },
        {
            "name": "Campaign backend",
            "description": (
                "`/api/`: backend endpoints for integrators of the influencer campaign platform: campaigns, "
                "tasks, statistics, users and lists. Every route is a POST with a form or JSON body and is "
                "available with a Bearer token: `Authorization: Bearer <token>`. An advertiser's token sees "
                "its own campaigns; platform-wide routes need a platform (staff) token. Errors are "
                '`{"status": "error", "message": …}`.'
            ),
        },
        {
            "name": "Campaign app",
            "description": (
                "`/api/get/`, `/api/action/`, `/api/app/`: app endpoints for influencers. They require an "
                "application created in the backend admin: send its client id and secret "
                "(`X-Client-Id` and `X-Client-Secret`, or HTTP Basic on the routes without a user), plus the "
                "influencer's token from `/api/app/token/` as `Authorization: Bearer <token>`. The get routes "
                "answer `Accept: text/html` with full views, anything else with JSON. Errors are "
                '`{"status": "error", "message": …}`.'
            ),
        },
    ],
}

# ------------------------------------------------------------------------------
# Celery (https://docs.celeryq.dev/en/stable/userguide/configuration.html)
# ------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Nested time limits: an HTTP fetch (< 30 s) < soft limit < hard limit < visibility timeout.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=15 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=16 * 60)
# Redis re-delivers an unacknowledged task after visibility_timeout: it must exceed the longest
# task and the longest countdown, or a task is run twice. The embedded SQL broker takes no options.
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 60 * 60),
        "socket_connect_timeout": REDIS_CONNECT_TIMEOUT_SECONDS,
    }
    if CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
    else {}
)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Each worker writes a heartbeat row this often; the health report counts those seen in 3 intervals.
WORKER_HEARTBEAT_SECONDS = env.int("WORKER_HEARTBEAT_SECONDS", default=10)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# ------------------------------------------------------------------------------
# Lead intelligence
# ------------------------------------------------------------------------------
# A company's score points halve in this many days (leads/intel/scores.py).
INTEL_SCORE_HALF_LIFE_DAYS = env.float("INTEL_SCORE_HALF_LIFE_DAYS", default=14)

# ------------------------------------------------------------------------------
# E-mail
# ------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="platform@localhost")
# The SMTP server of django.core.mail.backends.smtp.EmailBackend (production).
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# ------------------------------------------------------------------------------
# Logging: unexpected API errors are logged with their traceback.
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# ------------------------------------------------------------------------------
# Social lead generation: connectors, job fan-out, fair sharing.
# ------------------------------------------------------------------------------
# Fernet keys (urlsafe base64, 32 bytes) for connector secrets at rest, comma-separated, newest first: the first
# encrypts, every one decrypts (rotation: leads/encryption.py); derived from SECRET_KEY when empty.
CONNECTOR_SECRETS_KEY = env("CONNECTOR_SECRETS_KEY", default="")
# Graph API long-lived tokens (about 60 days) expiring within this many days are exchanged for new ones
# by the hourly beat task (docs/social-leads.md, "Token lifetime and refresh").
GRAPH_TOKEN_REFRESH_WITHIN_DAYS = env.int("GRAPH_TOKEN_REFRESH_WITHIN_DAYS", default=7)
# Speed modes of a job: requests per second per credential and target units run at once.
LEADS_SPEED_MODES = {
    "safe": {"requests_per_second": 0.5, "concurrency": 1},
    "normal": {"requests_per_second": 2.0, "concurrency": 3},
    "aggressive": {"requests_per_second": 5.0, "concurrency": 6},
}
# Fair sharing, counted per kind of work (leads.slots): lead jobs, group-post tasks and web crawls of
# one advertiser running at once; beyond that they wait in the queue and say so (waiting_reason).
LEADS_MAX_RUNNING_JOBS_PER_ADVERTISER = env.int("LEADS_MAX_RUNNING_JOBS_PER_ADVERTISER", default=2)
SOCIAL_MAX_RUNNING_TASKS_PER_ADVERTISER = env.int("SOCIAL_MAX_RUNNING_TASKS_PER_ADVERTISER", default=2)
WEB_MAX_RUNNING_CRAWLS_PER_ADVERTISER = env.int("WEB_MAX_RUNNING_CRAWLS_PER_ADVERTISER", default=2)
# Heartbeats (leads.heartbeats): a running job's run loop records a sign of life at most every
# INTERVAL seconds; with none for TIMEOUT seconds its worker is taken as gone, and the job is re-queued
# (the attempt counted) or, after its last attempt, failed with the reason. TIMEOUT must exceed the
# longest single wait of a run loop (a connector's Retry-After wait, CONNECTOR_HTTP_MAX_RETRY_AFTER_SECONDS)
# and how long a social job's runner task may wait in the broker when every worker is busy (runners hand
# over every 4 minutes).
JOB_HEARTBEAT_INTERVAL_SECONDS = env.int("JOB_HEARTBEAT_INTERVAL_SECONDS", default=15)
JOB_HEARTBEAT_TIMEOUT_SECONDS = env.int("JOB_HEARTBEAT_TIMEOUT_SECONDS", default=300)
# Per-tenant job volume: unfinished jobs an advertiser may hold, targets per job.
LEADS_MAX_OPEN_JOBS_PER_ADVERTISER = env.int("LEADS_MAX_OPEN_JOBS_PER_ADVERTISER", default=200)
LEADS_MAX_TARGETS_PER_JOB = 100
# Automatic retries of a failed job: count (per job, overridable) and base backoff in seconds.
LEADS_JOB_MAX_RETRIES = env.int("LEADS_JOB_MAX_RETRIES", default=3)
LEADS_JOB_RETRY_BACKOFF_SECONDS = env.int("LEADS_JOB_RETRY_BACKOFF_SECONDS", default=60)
# Connector HTTP: per-request timeout (below the task soft limit) and retries of one request.
CONNECTOR_HTTP_TIMEOUT_SECONDS = env.float("CONNECTOR_HTTP_TIMEOUT_SECONDS", default=20.0)
CONNECTOR_HTTP_MAX_RETRIES = env.int("CONNECTOR_HTTP_MAX_RETRIES", default=4)
CONNECTOR_HTTP_MAX_RETRY_AFTER_SECONDS = env.int("CONNECTOR_HTTP_MAX_RETRY_AFTER_SECONDS", default=120)
# Hosted-scraper runs: seconds between polls and the longest a run may take.
CONNECTOR_RUN_POLL_SECONDS = env.float("CONNECTOR_RUN_POLL_SECONDS", default=5.0)
CONNECTOR_RUN_TIMEOUT_SECONDS = env.int("CONNECTOR_RUN_TIMEOUT_SECONDS", default=10 * 60)

# ------------------------------------------------------------------------------
# Web scraper: the guarded outbound client, crawl limits, webhooks.
# ------------------------------------------------------------------------------
# CIDRs outbound requests may reach despite the SSRF deny list (comma-separated, empty by default;
# the local settings open loopback for the demo site, docs/web-scraper.md "Demo site").
SCRAPER_ALLOWED_NETWORKS = env("SCRAPER_ALLOWED_NETWORKS", default="")
# The shop website the platform serves itself under /demo-site/ (404 when off; on in local settings).
DEMO_SITE_ENABLED = env.bool("DEMO_SITE_ENABLED", default=False)
# One outbound request: total seconds (below the task soft limit), bytes read, redirects followed.
OUTBOUND_TIMEOUT_SECONDS = env.float("OUTBOUND_TIMEOUT_SECONDS", default=20.0)
OUTBOUND_MAX_BYTES = env.int("OUTBOUND_MAX_BYTES", default=5 * 1024 * 1024)
OUTBOUND_MAX_REDIRECTS = env.int("OUTBOUND_MAX_REDIRECTS", default=5)
SCRAPER_USER_AGENT = env("SCRAPER_USER_AGENT", default="LeadPlatformBot/1.0 (+https://github.com/leadplatform)")
# Per-job caps: pages, bytes and seconds; a job stops cleanly at the first reached.
SCRAPER_MAX_PAGES = env.int("SCRAPER_MAX_PAGES", default=10_000)
SCRAPER_JOB_MAX_BYTES = env.int("SCRAPER_JOB_MAX_BYTES", default=512 * 1024 * 1024)
SCRAPER_JOB_MAX_SECONDS = env.int("SCRAPER_JOB_MAX_SECONDS", default=12 * 60)  # < CELERY_TASK_SOFT_TIME_LIMIT
SCRAPER_MAX_OPEN_JOBS_PER_ADVERTISER = env.int("SCRAPER_MAX_OPEN_JOBS_PER_ADVERTISER", default=100)
# Exports (web results, leads): above this many rows an export is written by a worker to media
# storage instead of streaming in the response, which must finish within the server's timeout.
EXPORT_STREAM_MAX_ROWS = env.int("EXPORT_STREAM_MAX_ROWS", default=1_000_000)
# XLSX is written whole before its first byte is sent (and about ten times slower): a lower limit.
EXPORT_XLSX_STREAM_MAX_ROWS = env.int("EXPORT_XLSX_STREAM_MAX_ROWS", default=100_000)
# Background export files (and their rows) are deleted this many hours after they were asked for.
EXPORT_RETENTION_HOURS = env.int("EXPORT_RETENTION_HOURS", default=48)
SCRAPER_BROWSER_EXECUTABLE = env("SCRAPER_BROWSER_EXECUTABLE", default="/usr/bin/chromium")
# Proxies: consecutive blocks (403/429/connect errors) before a proxy is banned.
SCRAPER_PROXY_BAN_AFTER = env.int("SCRAPER_PROXY_BAN_AFTER", default=5)
SCRAPER_PROXY_CHECK_URL = env("SCRAPER_PROXY_CHECK_URL", default="https://www.example.com/")
# Webhooks: per-attempt timeout, attempts, longest retry delay (< the broker visibility timeout).
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=30.0)
WEBHOOK_MAX_RETRY_DELAY_SECONDS = env.int("WEBHOOK_MAX_RETRY_DELAY_SECONDS", default=60 * 60)
WEBHOOK_MAX_PER_ADVERTISER = env.int("WEBHOOK_MAX_PER_ADVERTISER", default=20)

# ------------------------------------------------------------------------------
# Campaign platform: the campaign app surface, campaigns, tasks, payments.
# ------------------------------------------------------------------------------

# ------------------------------------------------------------------------------
# Campaign backend endpoints and statistics.
# ------------------------------------------------------------------------------
# Currency of the platform-wide financial statistics (revenue, payouts).
PLATFORM_CURRENCY = env("PLATFORM_CURRENCY", default="USD")
