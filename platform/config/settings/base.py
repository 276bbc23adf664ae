"""Settings shared by every environment. Values come from the environment (see README)."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab
from kombu import Queue

from core.env import (
    REPO_ROOT,
    database_from_url,
    env,
    env_bool,
    env_int,
    env_list,
    service_url,
)

BASE_DIR = REPO_ROOT
SECRET_KEY = env("DJANGO_SECRET_KEY") or ""
# Rotation (docs/operations.md): the previous keys, comma-separated, still accepted for
# sessions, password-reset links and signed values until they expire.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS")
DEBUG = False

# The municipality's public host; each school lives on <slug>.<PLATFORM_DOMAIN>.
PLATFORM_DOMAIN = env("PLATFORM_DOMAIN", "localhost") or "localhost"
ALLOWED_HOSTS = [PLATFORM_DOMAIN, f".{PLATFORM_DOMAIN}", *env_list("EXTRA_ALLOWED_HOSTS")]

SHARED_APPS = [
    "django_tenants",
    # Before `tenants`, whose ready() aligns django-tenants' migrate with pgtrigger's
    # autodetector (pgtrigger has no models of its own in public).
    "pgtrigger",
    "tenants",
    "core",
    "accounts",
    "console",
    "catalog",
    "billing_free_check",
    "demo",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "guardian",
    # Identity (issue #6): the SSO portal and its subject index; lockout and TOTP for the
    # operator and department on the public host.
    "identity",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Reliability (issue #11): Idempotency-Key records and the transactional outbox, in
    # public and (TENANT_APPS below) in every school's schema.
    "idempotency",
    "outbox",
]
# Everything about people and learning lives in the school's own schema, including its
# users, groups, sessions, tokens and object permissions.
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "accounts",
    "rest_framework.authtoken",
    "guardian",
]
# The journal (issue #4): each school's structure, people, plans, lessons, marks, attendance.
# pgtrigger installs the append-only triggers on marks through these apps' migrations.
TENANT_APPS += [
    "pgtrigger",
    "journal.structure",
    "journal.roster",
    "journal.planning",
    "journal.register",
    "journal.audit",
    "journal.transfer",
]
# The school's web pages (issue #5): no models, templates and static files only.
TENANT_APPS += ["journal.web"]
# The whole school year (issue #10): closing the year (yearend), intermediate attestation
# and the schedule of control works (attestation), remarks on journals (control).
TENANT_APPS += ["journal.yearend", "journal.attestation", "journal.control"]
# The class teacher's own records (issue #10): monthly data checks, parents' acknowledgement.
TENANT_APPS += ["journal.homeroom"]
# Identity (issue #6): lockout attempts and TOTP devices per school; SSO links, invitation
# codes, temporary pupil logins, password resets and participation (journal.identity;
# its app label stays "identity_school").
TENANT_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp", "journal.identity"]
# Reliability (issue #11): per-school Idempotency-Key records and outbox (also in SHARED_APPS).
TENANT_APPS += ["idempotency", "outbox"]
# Reports and paper copies (issue #12): generated files with their provenance (REP-5).
TENANT_APPS += ["journal.reports"]
# The education department's statistics (issue #13): rollups in public (department), counted
# in each school by journal.rollup (no models).
SHARED_APPS += ["department"]
TENANT_APPS += ["journal.rollup"]
# Messages, announcements and notifications (issue #16, COM-1, COM-2).
TENANT_APPS += ["journal.messaging"]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.School"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
# New schools are cloned from this schema, kept migrated and free of any school's data.
TENANT_BASE_SCHEMA = "school_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
TENANT_LIMIT_SET_CALLS = True
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenants"
# The optional read replica's router first (core/replica.py): it answers only for the reads
# it sends to the replica and for migrations there (none), the rest is django-tenants'.
DATABASE_ROUTERS = ("core.replica.ReplicaRouter", "django_tenants.routers.TenantSyncRouter")
TENANT_CACHE_SECONDS = 300
# Each process also keeps a host's lookup this long (tenants.selectors, issue #17): a
# suspension or a new domain reaches the other processes up to this much later.
TENANT_LOCAL_CACHE_SECONDS = float(env("TENANT_LOCAL_CACHE_SECONDS", "2") or 2)

MIDDLEWARE = [
    "tenants.middleware.CachedTenantMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a lockout flagged during authentication into the lockout page (SEC-3).
    "axes.middleware.AxesMiddleware",
    # Last, so it wraps the view alone: a write sent with an Idempotency-Key commits with
    # its key and answer, and a repeated key replays that answer (issue #11).
    "idempotency.middleware.IdempotencyMiddleware",
]
# Idempotency-Key (idempotency/services.py): how long a key is kept, and how long a
# duplicate waits for the first request with its key before it gets 409.
IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 60 * 60
IDEMPOTENCY_WAIT_SECONDS = 10

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.navigation.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {"default": database_from_url(service_url("DATABASE_URL"))}
# A PostgreSQL that does not answer costs seconds, not the kernel's minutes (TEN-3).
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
# Bounded backends at many schools (#17, docs/upgrades.md#memory): connections persist for
# ten minutes (no connect per request, and the schools' catalogue caches stay warm), are
# checked before reuse, and are closed after serving DB_RECYCLE_AFTER_SCHOOLS distinct
# schools in a worker or command, DB_RECYCLE_AFTER_SCHOOLS_WEB in a web process
# (tenants/recycling.py), since a PostgreSQL backend keeps every school's catalogue cache
# it has touched for as long as it lives (~1 MiB a school for every table, ~0.25 MiB for
# a page's tables). Behind a session-mode PgBouncer set DATABASE_CONN_MAX_AGE=0: a
# connection kept between requests keeps its server connection too (docs/operations.md).
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DB_RECYCLE_AFTER_SCHOOLS = env_int("DB_RECYCLE_AFTER_SCHOOLS", 50)
DB_RECYCLE_AFTER_SCHOOLS_WEB = env_int("DB_RECYCLE_AFTER_SCHOOLS_WEB", 300)
# An optional streaming replica for the department's statistics and heavy reports
# (core/replica.py): unreachable, its reads fall back to the primary for this long.
if env("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database_from_url(env("DATABASE_REPLICA_URL") or "")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["OPTIONS"] = {"connect_timeout": 2}
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
REPLICA_RETRY_SECONDS = env_int("REPLICA_RETRY_SECONDS", 30)
# Outages answer 503 with this Retry-After (core/outage.py).
OUTAGE_RETRY_AFTER_SECONDS = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = service_url("REDIS_URL").rstrip("/")


def redis_db(number: int) -> str:
    """The Redis URL with a database number; cache, broker and results are kept apart."""
    base = REDIS_URL.rsplit("/", 1)[0] if REDIS_URL.count("/") > 2 else REDIS_URL
    return f"{base}/{number}"


REDIS_DB_CACHE, REDIS_DB_BROKER, REDIS_DB_RESULTS = 1, 0, 2
# A dead Redis must cost milliseconds: short socket timeouts, and a circuit breaker that
# leaves it untried for BREAKER_SECONDS after a failure (core/cache_backends.py: reads miss,
# writes are dropped, add/incr fail closed).
REDIS_CACHE_OPTIONS = {
    "socket_connect_timeout": 0.5,
    "socket_timeout": 0.5,
    "BREAKER_SECONDS": 3,
}
CACHES = {
    "default": {
        "BACKEND": "core.cache_backends.ResilientRedisCache",
        "LOCATION": redis_db(REDIS_DB_CACHE),
        # Every key carries the schema it was written from: the same key never crosses schools.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "TIMEOUT": 300,
        "OPTIONS": dict(REDIS_CACHE_OPTIONS),
    },
    # Entries about the platform itself (host lookups, adopted rules), keyed as public's
    # whatever schema the connection is on (core/cache.py).
    "platform": {
        "BACKEND": "core.cache_backends.ResilientRedisCache",
        "LOCATION": redis_db(REDIS_DB_CACHE),
        "KEY_FUNCTION": "core.cache.public_key",
        "TIMEOUT": 300,
        "OPTIONS": dict(REDIS_CACHE_OPTIONS),
    },
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # SEC-3: lockout is checked before any password (django-axes, attempts per schema).
    "accounts.backends.LockoutBackend",
    # Passwords under the sign-in policy (staff; pupils only with a temporary login).
    "accounts.backends.PasswordBackend",
    "guardian.backends.ObjectPermissionBackend",
    # Parent and pupil sessions opened from an SSO hand-over ticket.
    "accounts.backends.SsoSessionBackend",
]
# No guardian anonymous user: it would be cloned into every school for nothing.
ANONYMOUS_USER_NAME = None
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Host-only cookies: no Domain attribute, __Host- prefix (requires Secure and Path=/).
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every page and API answer (issue #11): scripts and styles
# from this host only, no inline code, no framing. Forms post to this host, and the SSO
# hand-over posts from the portal to a school's host (identity/handover.html), so
# form-action names the platform's hosts; any port, as the development servers use one.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", f"{PLATFORM_DOMAIN}:*", f"*.{PLATFORM_DOMAIN}:*"],
    }
}
PERMISSIONS_POLICY_DENY = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = env("TIME_ZONE", "Europe/Moscow") or "Europe/Moscow"
USE_I18N = True
USE_TZ = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

STATIC_URL = "/static/"
# Front-end libraries come from the npm registry (`npm ci`), never copied into the repo.
STATICFILES_DIRS = [("vendor/htmx", REPO_ROOT / "node_modules" / "htmx.org" / "dist")]
# The user guides' screenshots (docs/guides/img), shown on the public guide pages.
STATICFILES_DIRS += [("guides", REPO_ROOT / "docs" / "guides" / "img")]
# The department's charts (issue #13): Chart.js from npm, served locally like htmx.
STATICFILES_DIRS += [("vendor/chartjs", REPO_ROOT / "node_modules" / "chart.js" / "dist")]
STATIC_ROOT = REPO_ROOT / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded files (homework attachments) live under MEDIA_ROOT, one folder per school schema.
# There is deliberately no MEDIA_URL route: files are served only through a view that
# checks the reader's right to the lesson ("files are stored per school").
MEDIA_ROOT = env("MEDIA_ROOT", str(REPO_ROOT / ".data" / "media")) or ""
HOMEWORK_FILE_MAX_BYTES = env_int("HOMEWORK_FILE_MAX_BYTES", 10 * 1024 * 1024)
HOMEWORK_FILES_PER_LESSON = env_int("HOMEWORK_FILES_PER_LESSON", 10)
# Static files are the same for every school; whitenoise serves them from the app
# directories without collectstatic when DEBUG-less dev servers run (`make demo`).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    # ROLE-2 on every authentication path (session and token): the learners' guard.
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.permissions.LearnersOnlyTheirViews",
    ],
    # JSON bounded in size and nesting depth: 413 / 400, never a RecursionError (issue #11).
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # JSON only: the browsable API is an English developer page, not for the school's users
    # (issue #15); the OpenAPI schema and its Swagger page document the API.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.parsers.BodyCheckingNegotiation",
    "DEFAULT_SCHEMA_CLASS": "core.openapi.QualifiedNameAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "120/min", "user": "2000/min"},
}
API_JSON_MAX_BYTES = 1024 * 1024
API_JSON_MAX_DEPTH = 64
SPECTACULAR_SETTINGS = {
    "TITLE": "Электронный журнал: API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Public documentation, but the learners' guard holds here too (ROLE-2).
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.AllowAny",
        "accounts.permissions.LearnersOnlyTheirViews",
    ],
    # Swagger UI from the sidecar package, served by us: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several journal choice sets are all called "kind": name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "LessonKindEnum": "journal.register.models.Lesson.Kind",
        "PeriodMarkKindEnum": "journal.register.models.PeriodMark.Kind",
        "ReportingPeriodKindEnum": "journal.structure.models.ReportingPeriod.Kind",
        "ScheduleBreakKindEnum": "journal.structure.models.ScheduleBreak.Kind",
        "MovementKindEnum": "journal.roster.models.Movement.Kind",
        "SchoolStatusEnum": "tenants.models.School.Status",
        "RegulationVersionStatusEnum": "catalog.models.RegulationVersion.Status",
    },
}

CELERY_BROKER_URL = env("CELERY_BROKER_URL") or redis_db(REDIS_DB_BROKER)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND") or redis_db(REDIS_DB_RESULTS)
# Workers keep their database connection between tasks (Celery's Django fixup would close
# it around every task); tenants/recycling.py drops broken or old connections around each
# task and closes it after DB_RECYCLE_AFTER_SCHOOLS schools (#17).
CELERY_DB_REUSE_MAX = 1_000_000_000
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Reliability (issue #11, docs/operations.md): a task is acknowledged after it ran, so a
# worker that dies mid-task leaves it to be redelivered -- by the worker's parent at once if
# a pool child was lost (reject_on_worker_lost), by Redis after the visibility timeout if the
# whole worker died. Every task therefore does its work once per id (outbox.TaskRun).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# The visibility timeout must exceed the longest task, or Redis hands a still-running task
# to a second worker: tasks are killed at TASK_TIME_LIMIT (50 min), the timeout is 1 h.
CELERY_TASK_TIME_LIMIT = 50 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 45 * 60
CELERY_VISIBILITY_TIMEOUT = int(env("CELERY_VISIBILITY_TIMEOUT", "3600") or 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # A dead broker is noticed in seconds (BRPOP itself polls every second).
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    # Per-school fairness (issue #17, tenants.fairness): ten priority lists per queue.
    "priority_steps": list(range(10)),
}
# Queues by kind (issue #17): each kind of work has its own queue, so a night's archive or
# a fan-out of rollups never waits in front of a teacher's report or a parent's urgent
# notice. Helm's worker deployments (helm/) consume these names. Every task has a route:
# tests/reliability/test_queues.py fails for a task that is registered without one.
CELERY_QUEUE_NAMES = ["reports", "notifications", "rollups", "archive", "default"]
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in CELERY_QUEUE_NAMES]
_TASKS_BY_QUEUE = {
    # Interactive: a report someone asked for and waits on (REP-1..3).
    "reports": ["reports.job_run"],
    # Messages to people (COM-2): urgent notices and the daily digests.
    "notifications": [
        "messaging.urgent_send",
        "messaging.digests_send",
        "messaging.digest_deliver",
    ],
    # The department's figures (issue #13).
    "rollups": [
        "department.rollup_fan_out",
        "department.rollup_school",
        "rollup.at_period_close",
    ],
    # Long batch work on storage (ARC-1..6).
    "archive": [
        "archive.scan",
        "archive.period",
        "archive.patrol",
        "backups.school_exports",
        "backups.restore_drill",
        "backups.pgbackrest",
    ],
    # Short housekeeping, fan-outs and nightly batches that ask for more work.
    "default": [
        "tenants.for_each_school",
        "tenants.school_probe",
        "tenants.connection_probe",
        "outbox.relay",
        "outbox.relay_public",
        "idempotency.purge",
        "idempotency.purge_public",
        "messaging.purge",
        "billing_free_check.audit_school",
        "reports.paper_copies_at_period_close",
        "reports.parent_printouts",
    ],
}
CELERY_TASK_ROUTES = {
    task: {"queue": queue} for queue, tasks in _TASKS_BY_QUEUE.items() for task in tasks
}
# A school's waiting-count (tenants.fairness) outlives its last send by this much at most.
CELERY_FAIR_COUNTER_TTL = env_int("CELERY_FAIR_COUNTER_TTL", 3600)
# Beat is a singleton (tenants.beat): only the holder of a Redis lock with this TTL sends.
CELERY_BEAT_SCHEDULER = "tenants.beat:SingletonScheduler"
CELERY_BEAT_LOCK_TTL = env_int("CELERY_BEAT_LOCK_TTL", 30)
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_TASK_TENANT_CACHE_SECONDS = 30
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers keep Django's LOGGING (with its personal-data filter) instead of Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # FREE-1: every school's own configuration is audited daily; results in the operator API.
    "billing-free-check-daily": {
        "task": "tenants.for_each_school",
        "schedule": crontab(hour=3, minute=30),
        "args": ["billing_free_check.audit_school"],
        "options": {"headers": {"_schema_name": "public"}},
    },
    # Idempotency keys past their 24-hour window, in every school and in public (issue #11).
    "idempotency-purge-daily": {
        "task": "tenants.for_each_school",
        "schedule": crontab(hour=4, minute=10),
        "args": ["idempotency.purge"],
        "options": {"headers": {"_schema_name": "public"}},
    },
    # The transactional outbox: whatever was not published at commit (broker down) goes now.
    "outbox-relay": {
        "task": "tenants.for_each_school",
        "schedule": 60.0,
        "args": ["outbox.relay"],
        "options": {"headers": {"_schema_name": "public"}},
    },
    "outbox-relay-public": {
        "task": "outbox.relay_public",
        "schedule": 60.0,
        "options": {"headers": {"_schema_name": "public"}},
    },
    # REP-3 (issue #12): paper copies of the classes whose cadence period ended yesterday.
    "reports-paper-copies-at-period-close": {
        "task": "tenants.for_each_school",
        "schedule": crontab(hour=5, minute=0),
        "args": ["reports.paper_copies_at_period_close"],
        "options": {"headers": {"_schema_name": "public"}},
    },
    # Notification digests to parents (issue #16, COM-2): one e-mail per parent per day.
    "messaging-digests-daily": {
        "task": "tenants.for_each_school",
        "schedule": crontab(hour=18, minute=0),
        "args": ["messaging.digests_send"],
        "options": {"headers": {"_schema_name": "public"}},
    },
    "messaging-purge-daily": {
        "task": "tenants.for_each_school",
        "schedule": crontab(hour=4, minute=30),
        "args": ["messaging.purge"],
        "options": {"headers": {"_schema_name": "public"}},
    },
    "idempotency-purge-public-daily": {
        "task": "idempotency.purge_public",
        "schedule": crontab(hour=4, minute=15),
        "options": {"headers": {"_schema_name": "public"}},
    },
    # DIA-3 (issue #12, reports3): printouts for parents without electronic access, made
    # daily for the last whole span of the regulation's days (a made span is skipped).
    "parent-printouts-daily": {
        "task": "tenants.for_each_school",
        "schedule": crontab(hour=5, minute=20),
        "args": ["reports.parent_printouts"],
        "options": {"headers": {"_schema_name": "public"}},
    },
}
# Task modules outside an app's tasks.py (autodiscovery finds only those).
CELERY_IMPORTS = ["journal.reports.printout_tasks"]

# The department's rollups (issue #13): every night, each active school's figures, at most
# DEPARTMENT_ROLLUP_CAP schools starting in each DEPARTMENT_ROLLUP_SPACING_SECONDS, jittered.
CELERY_BEAT_SCHEDULE["department-rollups-nightly"] = {
    "task": "department.rollup_fan_out",
    "schedule": crontab(hour=2, minute=0),
    "options": {"headers": {"_schema_name": "public"}},
}
# A school's rollup also refreshes when one of its periods ends or closes (issue #13).
CELERY_BEAT_SCHEDULE["department-rollups-at-period-close"] = {
    "task": "tenants.for_each_school",
    "schedule": crontab(hour=1, minute=30),
    "args": ["rollup.at_period_close"],
    "options": {"headers": {"_schema_name": "public"}},
}
DEPARTMENT_ROLLUP_CAP = env_int("DEPARTMENT_ROLLUP_CAP", 20)
DEPARTMENT_ROLLUP_SPACING_SECONDS = env_int("DEPARTMENT_ROLLUP_SPACING_SECONDS", 30)
# Small-cell suppression: a figure describing fewer pupils is not shown (docs/department.md).
DEPARTMENT_SMALL_CELL_K = env_int("DEPARTMENT_SMALL_CELL_K", 2)  # a floor under the adopted k

SENTRY_DSN = env("SENTRY_DSN")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", "production")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # SEC-4: exception messages and log arguments may name a pupil; they never reach output.
    "filters": {"personal_data": {"()": "identity.logfilter.PersonalDataFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # Request logs carry URLs and bodies only at DEBUG; keep them out at INFO.
    # WeasyPrint logs every layout step at INFO (issue #12 reports): warnings only.
    "loggers": {"django.request": {"level": "ERROR"}, "weasyprint": {"level": "WARNING"}},
}

EMAIL_HOST = env("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", f"noreply@{PLATFORM_DOMAIN}")

USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST")

# pgtrigger: triggers are created by migrations (so they land in the base schema and are
# cloned into every school), never installed separately on migrate.
PGTRIGGER_INSTALL_ON_MIGRATE = False
PGTRIGGER_MIGRATIONS = True
# Transfer packages between schools (TEN-4) are signed with this salt.
JOURNAL_TRANSFER_SALT = "journal.transfer.package.v1"

# --- FREE-1: no paid services (billing_free_check; see docs/billing_free_check.md) ---------
# Outbound integrations beyond mail, Sentry, database, cache and broker (which are read from
# their own settings): {"name": {"provider": "<registry code>", "url": "..."}}.
INTEGRATIONS: dict[str, dict[str, str]] = {
    "sso": {"provider": "esia", "url": env("ESIA_URL", "https://esia.gosuslugi.ru") or ""},
}
# Hosts the platform may connect to besides loopback: the operator's own servers.
# ".example.ru" means the domain and its subdomains.
OUTBOUND_HOST_ALLOWLIST = [
    f".{PLATFORM_DOMAIN}",
    "esia.gosuslugi.ru",
    *env_list("OUTBOUND_HOST_ALLOWLIST"),
]
# Web Push (issue #16, COM-2): the platform's own VAPID key (no third-party account); with
# it, the browsers' push services (billing_free_check's "web-push": free) may be reached.
WEBPUSH_VAPID_PRIVATE_KEY = env("WEBPUSH_VAPID_PRIVATE_KEY", "") or ""
WEBPUSH_VAPID_SUBJECT = env("WEBPUSH_VAPID_SUBJECT", f"mailto:noreply@{PLATFORM_DOMAIN}") or ""
WEBPUSH_SERVICES = [
    "fcm.googleapis.com",
    "updates.push.services.mozilla.com",
    "*.push.apple.com",
    "*.notify.windows.com",
]
if WEBPUSH_VAPID_PRIVATE_KEY:
    OUTBOUND_HOST_ALLOWLIST += WEBPUSH_SERVICES
    INTEGRATIONS["webpush"] = {"provider": "web-push", "url": "https://fcm.googleapis.com"}
# Free licences (SPDX ids; "*" matches any suffix, "-only"/"-or-later" are implied).
APPROVED_LICENSES = [
    "MIT",
    "MIT-0",
    "BSD",  # metadata that says only "BSD": every BSD variant is free
    "BSD-*",
    "0BSD",
    "Apache-2.0",
    "ISC",
    "PSF-2.0",
    "Python-2.0",
    "MPL-2.0",
    "LGPL-*",
    "GPL-*",
    "AGPL-*",
    "Unlicense",
    "CC0-1.0",
    "ZPL-2.1",
    "PostgreSQL",
    "HPND",
    # Pillow (WeasyPrint's image support, issue #12): the OSI-approved CMU/MIT-style licence.
    "MIT-CMU",
    # regex (via moto's S3 peer, a test dependency): Apache-2.0 AND the OSI-approved CNRI
    # Python licence of the code it derives from.
    "CNRI-Python",
]
# Distributions whose metadata does not state a readable licence, with the licence we
# checked in the package itself. Keys are distribution names as installed.
LICENSE_OVERRIDES = {
    # No License field or classifier; LICENSE file in the wheel is Apache 2.0, and the
    # PostgreSQL binaries it bundles are under the PostgreSQL Licence.
    "pgserver": "Apache-2.0 AND PostgreSQL",
    # WeasyPrint's hyphenation (issue #12): no License field; the wheel's classifiers and
    # licence files are GPL-2.0+ / LGPL-2.1+ / MPL-1.1, at the user's choice.
    "pyphen": "GPL-2.0-or-later OR LGPL-2.1-or-later OR MPL-1.1",
}
# Model/field/setting names the paywall check would flag but that mean something else
# ("app_label.Model.field" patterns). Each entry needs a comment saying why it is free.
BILLING_FREE_CHECK_ALLOWED_NAMES: list[str] = []

# --- Identity (issue #6; docs/identity.md) -----------------------------------------------------
# OpenID Connect provider (ESIA in production). Client authentication: "client_secret_post",
# "client_secret_basic", "none" (PKCE only) or "esia" (client_secret = signature, identity.esia).
SSO_ISSUER = env("SSO_ISSUER", "") or ""
SSO_CLIENT_ID = env("SSO_CLIENT_ID", "") or ""
SSO_CLIENT_SECRET = env("SSO_CLIENT_SECRET", "") or ""
SSO_CLIENT_AUTH = env("SSO_CLIENT_AUTH", "client_secret_post") or "client_secret_post"
# The fewest scopes: `openid` to sign in; the СНИЛС only when the person asks to be found by it.
SSO_SCOPES = env("SSO_SCOPES", "openid") or "openid"
SSO_LINK_SCOPES = env("SSO_LINK_SCOPES", "openid snils") or "openid snils"
SSO_SNILS_CLAIM = env("SSO_SNILS_CLAIM", "snils") or "snils"
# Asymmetric algorithms only: an HS256 token would be "signed" with the client secret,
# and "none" is not a signature at all.
SSO_ID_TOKEN_ALGORITHMS = env_list("SSO_ID_TOKEN_ALGORITHMS", "RS256,PS256,ES256,EdDSA")
SSO_CLOCK_SKEW = 30
SSO_HTTP_TIMEOUT = 10.0
SSO_TICKET_MAX_AGE = 60
# HMAC key of the public subject index; set it in production (check identity.W001).
SSO_SUBJECT_HASH_KEY = env("SSO_SUBJECT_HASH_KEY") or ""
# ESIA's signed client_secret: "key" (RSA/Ed25519 PEM, development) or "command" (ГОСТ tool).
ESIA_SIGNER = env("ESIA_SIGNER", "key") or "key"
ESIA_SIGNING_KEY = env("ESIA_SIGNING_KEY") or ""
ESIA_SIGNER_COMMAND = env("ESIA_SIGNER_COMMAND") or ""
# SEC-2: temporary pupil logins.
TEMPORARY_LOGIN_DAYS = 30
TEMPORARY_LOGIN_MAX_DAYS = 90
# SEC-3: the roles that must confirm sign-in with TOTP.
OTP_REQUIRED_ROLES = ["director", "deputy", "journal_admin", "operator"]
OTP_TOTP_ISSUER = "Электронный журнал"
# SEC-3 lockout (django-axes): 5 failures for one username from one address lock it for 15 min.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# Axes' log lines name the username and address: keep them out of the logs (SEC-4).
AXES_CLIENT_STR_CALLABLE = "accounts.lockout.client_str"
AXES_VERBOSE = False
# ROLE-2: a parent or pupil session opens only these views (deny by default); the diary's
# pages join by their namespace.
LEARNER_URL_NAMES = ["logout", "login", "sso-enter", "sso-begin", "password_first_change"]
# A parent's «Ознакомлен(а)» for a period's marks (002 Регламент п.3): the learners' one
# write; the page itself lets in parents only.
LEARNER_URL_NAMES += ["diary:marks-acknowledge"]
LEARNER_READ_URL_NAMES = [
    "home",
    "healthz",
    "readyz",
    "api-me",
    # The regulation and the user guides: public pages (001 ЭД п.1, 003 §4.4).
    "web:regulation",
    "web:regulation-guide",
    "api-regulation",
    "journal:timetable",
    "journal:pupil-list",
    "journal:pupil-detail",
    "journal:pupil-progress",
    "journal:homework-file-list",
    "journal:transfer-records",
    # The diary's year, exam and final marks of every year and the attestation results
    # (MRK-3, DIA-2, DIA-6, YEAR-2): read by the pupil and the parents, their own only.
    "journal:pupil-year-marks",
    "journal:pupil-attestation-results",
]
LEARNER_READ_NAMESPACES = ["diary"]

# Reports (issue #12): the print templates' font (Cyrillic), read from the local disk by
# WeasyPrint (infra/ensure_report_libs.sh installs it); no web fonts, no CDN.
REPORTS_FONT_DIR = env("REPORTS_FONT_DIR", "/usr/share/fonts/truetype/dejavu") or ""

# --- Archive (issue #14: ARC-1…6) ------------------------------------------------------------
# Packages per class and period in the school's schema (journal.archive), signed tree heads
# copied to public (archive_heads). Two storage locations (ARC-4): two filesystem roots
# by default; in production point them at two independent backends (e.g. a filesystem and
# an S3-compatible bucket through django-storages' S3Storage: ARCHIVE_SECONDARY_S3_*).
SHARED_APPS += ["archive_heads", "backups"]
TENANT_APPS += ["journal.archive"]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]
ARCHIVE_ROOT = env("ARCHIVE_ROOT", str(REPO_ROOT / ".data" / "archive")) or ""


def archive_location(prefix: str, root: str) -> dict[str, Any]:
    """One archive location: S3-compatible object storage through django-storages when
    `<prefix>_S3_BUCKET` is set (endpoint, keys, region from `<prefix>_S3_*`; a
    self-hosted MinIO/Ceph endpoint: billing_free_check reports AWS as paid), else a
    filesystem root (`<prefix>_ROOT`)."""
    bucket = env(f"{prefix}_S3_BUCKET") or ""
    if bucket:
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": env(f"{prefix}_S3_ENDPOINT") or None,
                "access_key": env(f"{prefix}_S3_ACCESS_KEY") or None,
                "secret_key": env(f"{prefix}_S3_SECRET_KEY") or None,
                "region_name": env(f"{prefix}_S3_REGION") or None,
                "location": env(f"{prefix}_S3_PREFIX") or "",
                "addressing_style": "path",
                "file_overwrite": True,  # a repair rewrites the same key
                "default_acl": None,
                "querystring_auth": True,
            },
        }
    return {
        "BACKEND": "journal.archive.storage.AtomicFileSystemStorage",
        "OPTIONS": {"location": env(f"{prefix}_ROOT", root) or ""},
    }


# The aliases of STORAGES that hold the archive's copies (ARC-4: a package counts as
# archived only when every one of them verifies).
ARCHIVE_LOCATIONS = ["archive_primary", "archive_secondary"]
STORAGES["archive_primary"] = archive_location("ARCHIVE_PRIMARY", f"{ARCHIVE_ROOT}/primary")
STORAGES["archive_secondary"] = archive_location("ARCHIVE_SECONDARY", f"{ARCHIVE_ROOT}/secondary")
# Ed25519 signing key of the tree heads: base64 of the 32-byte seed, or a file holding it.
# Retired keys' public halves stay here ({"key id": "base64"}) so old heads still verify.
ARCHIVE_SIGNING_KEY = env("ARCHIVE_SIGNING_KEY") or ""
ARCHIVE_SIGNING_KEY_FILE = env("ARCHIVE_SIGNING_KEY_FILE") or ""
ARCHIVE_PUBLIC_KEYS: dict[str, str] = dict(
    item.split("=", 1) for item in env_list("ARCHIVE_PUBLIC_KEYS") if "=" in item
)
# Backups (ARC-5): PostgreSQL client tools of the server's major version (else PATH).
PG_BIN_DIR = env("PG_BIN_DIR") or ""
BACKUP_ROOT = env("BACKUP_ROOT", str(REPO_ROOT / ".data" / "backups")) or ""
# The cluster's pgBackRest backups (ARC-5): its stanza and configuration (two repositories,
# the two media); unset in development, where the embedded server has no WAL archiving.
PGBACKREST_STANZA = env("PGBACKREST_STANZA") or ""
PGBACKREST_CONFIG = env("PGBACKREST_CONFIG", "/etc/pgbackrest/pgbackrest.conf") or ""
PGBACKREST_REPOS = env_list("PGBACKREST_REPOS") or ["1", "2"]
CELERY_BEAT_SCHEDULE |= {
    # Ended periods and closed years not yet archived, in every school (ARC-1, ARC-6).
    "archive-scan-nightly": {
        "task": "tenants.for_each_school",
        "schedule": crontab(hour=1, minute=30),
        "args": ["archive.scan"],
        "options": {"headers": {"_schema_name": "public"}},
    },
    # Weekly (ARC-5): every school's own export, then the pgBackRest restore drill.
    "backups-school-exports-weekly": {
        "task": "backups.school_exports",
        "schedule": crontab(day_of_week=0, hour=3, minute=0),
        "options": {"headers": {"_schema_name": "public"}},
    },
    # pgBackRest (ARC-5): a full backup to both repositories on Sunday, a differential one
    # on the other nights; WAL is archived continuously (archive_command) for PITR.
    "backups-pgbackrest-full-weekly": {
        "task": "backups.pgbackrest",
        "schedule": crontab(day_of_week=0, hour=0, minute=30),
        "args": ["full"],
        "options": {"headers": {"_schema_name": "public"}},
    },
    "backups-pgbackrest-diff-daily": {
        "task": "backups.pgbackrest",
        "schedule": crontab(day_of_week="1-6", hour=0, minute=30),
        "args": ["diff"],
        "options": {"headers": {"_schema_name": "public"}},
    },
    "backups-restore-drill-weekly": {
        "task": "backups.restore_drill",
        "schedule": crontab(day_of_week=0, hour=4, minute=30),
        "options": {"headers": {"_schema_name": "public"}},
    },
    # Integrity patrol (ARC-3): a slice of packages each night, every one within 28 nights.
    "archive-patrol-nightly": {
        "task": "tenants.for_each_school",
        "schedule": crontab(hour=2, minute=30),
        "args": ["archive.patrol"],
        "options": {"headers": {"_schema_name": "public"}},
    },
}
# Messages (issue #16, COM-1): parents and pupils read and write their own conversations
# (the services apply who may write to whom); a parent keeps their notification settings.
# These names and no others: tests/messaging/test_learner_pages.py holds the list.
LEARNER_READ_URL_NAMES += [
    "web:messages",
    "web:messages-new",
    "web:messages-thread",
    "web:messages-file",
    "web:messages-notifications",
    "journal:messages-thread-list",
    "journal:messages-thread-detail",
    "journal:messages-contacts",
    "journal:messages-unread",
    "journal:announcement-list",
    "journal:notification-preferences",
    # Browser notifications (Web Push): the service worker's script, static and personless.
    "web:messages-push-worker",
]
LEARNER_WRITE_URL_NAMES = [
    "web:messages-new",
    "web:messages-thread-reply",
    "web:messages-report",
    "web:messages-notifications",
    "journal:messages-thread-start",
    "journal:messages-thread-reply",
    "journal:messages-thread-read",
    "journal:messages-report",
    "journal:notification-preferences-set",
    "journal:notification-push-unsubscribe",
    "journal:notification-push-subscribe",
]
