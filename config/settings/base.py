"""Settings for every environment.

Defaults give the zero-setup local run (SQLite, Celery tasks executed eagerly, console e-mail);
production overrides come from environment variables (see config/settings/production.py and the
README section "Production").
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# The key of a zero-setup local run; production refuses it (config/settings/production.py).
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"
SECRET_KEY = env("DJANGO_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
DEBUG = env_bool("DJANGO_DEBUG", True)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "core.axes_config.AxesConfig",  # django-axes, named in the admin (core/axes_config.py)
    "csp",
    "core",
    "approvals",
    "regions",
    "customers",
    "plans",
    "workflow",
    "budgets",
    "notifications",
    "channels",
    "relations",
    "performance",
    "risk",
    "reports",
    "appraisal",
    "dashboard",
    "team",
    # The top: the home page, demo and scale seeding; imports the apps above, imported by none.
    "home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After a write, the writer's replica pages read from the primary until the replica has it (core/db_router.py).
    "core.db_router.ReplicaPinMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.audit.AuditDoorMiddleware",
    # Last: turns a login refused because of a lock into the login page with the reason (core/login_guard.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "core.context_processors.navigation",
                "core.context_processors.replica",
                "csp.context_processors.nonce",
                "approvals.context_processors.calendar_warning",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Zero-setup run: WAL lets the dev server read while the demo loader writes.
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The dashboard's snapshot tables carry covering indexes (INCLUDE columns) for index-only reads on PostgreSQL;
# SQLite, the zero-setup default, builds them without the extra columns, which is all it can do — the warning
# says nothing to act on there.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Content-Security-Policy (django-csp): scripts only from this site's own files, or inline with the
# request's nonce (`<script nonce="{{ CSP_NONCE }}">`); no inline event handlers, no eval, nothing from
# another origin (every asset is vendored under static/). Styles allow inline: style="width: 40%" on
# progress bars, Swagger UI's <style> block and htmx's indicator style — CSS cannot run script, and script
# is what an injection would need. Bootstrap's icons and Swagger UI's images are data: URIs.
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Brute-force protection (core/login_guard.py). Logins: django-axes, first backend, refuses a locked
# account or address before the password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_FAILURE_LIMIT_ACCOUNT = env_int("LOGIN_FAILURE_LIMIT_ACCOUNT", 5)  # failures of one account, any address
LOGIN_FAILURE_LIMIT_ADDRESS = env_int("LOGIN_FAILURE_LIMIT_ADDRESS", 30)  # failures from one address, any accounts
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)  # the window counted and the length of a lock
# Behind a reverse proxy of our own: how many, so the client's address is read from X-Forwarded-For.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
AXES_HANDLER = "core.login_guard.LoginLockoutHandler"
AXES_FAILURE_LIMIT = 1  # LoginLockoutHandler.get_failures counts limits reached, not failures
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False  # LoginLockoutHandler forgets the person's own typos from their address
AXES_LOCKOUT_CALLABLE = "core.login_guard.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.login_guard.client_ip"
AXES_VERBOSE = False
# API credentials: wrong keys and anonymous calls, counted per address in the default cache.
API_AUTH_FAILURE_LIMIT = env_int("API_AUTH_FAILURE_LIMIT", 30)
API_AUTH_FAILURE_WINDOW_SECONDS = env_int("API_AUTH_FAILURE_WINDOW_SECONDS", 600)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded files (write-off evidence, contracts: core/files.py) are private. By default they live in MEDIA_ROOT on
# the server — outside the static files, never served by a URL (no `static(MEDIA_URL…)` route): they are read only
# through a page that checks the reader's scope of the owning object (core.views.ScopedFileView). FILE_STORAGE=s3
# keeps them in an S3-compatible store instead (django-storages; the bucket private, links never public).
FILE_STORAGE = env("FILE_STORAGE", "local")
if FILE_STORAGE == "s3":
    _FILES = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL", None),
            "region_name": env("S3_REGION", None),
            "access_key": env("S3_ACCESS_KEY_ID", None),
            "secret_key": env("S3_SECRET_ACCESS_KEY", None),
            "location": env("S3_PREFIX", "files"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif FILE_STORAGE == "local":
    _FILES = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured(f"FILE_STORAGE must be local or s3, not {FILE_STORAGE!r}.")
STORAGES = {
    "default": _FILES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"  # never routed: see above
# The largest uploaded file kept (core.files.clean_upload).
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api_keys.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON nesting bounded, NUL and lone surrogates refused at parse time (core/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.DefaultCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.schema.ScopedAutoSchema",
    "EXCEPTION_HANDLER": "core.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["core.throttling.PrincipalRateThrottle", "rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "principal": env("API_THROTTLE_RATE", "6000/min"),
        "anon": env("API_THROTTLE_ANON_RATE", "60/min"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# The largest request body (JSON or form; uploaded files are not counted). Django's default, 2.5 MB, refused
# legitimate bulk pushes: 1,000 customers with every field at its maximum length, three contacts each and
# Chinese escaped as \uXXXX, pretty-printed, is 6.6 MB; 1,000 invoices with 20 lines each is 2.8 MB (3.8 MB
# pretty-printed). 8 MiB fits these with margin; above it the API answers a JSON 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 8 * 1024 * 1024)

# The deepest nesting of arrays/objects a JSON request body may have; the deepest real body (a bulk
# invoice with lines) has 4 levels.
API_JSON_MAX_DEPTH = env_int("API_JSON_MAX_DEPTH", 64)

SPECTACULAR_SETTINGS = {
    "TITLE": "Regional Sales Management API / 大区销售管理系统 API",
    "DESCRIPTION": _(
        "REST API for branch systems and people. Branch systems authenticate with an API key "
        "(header `Authorization: Api-Key <key>`) bound to one organisation unit; people use their session."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema (/api/schema/) and Swagger UI (/api/docs/) are readable without logging in: a branch's IT
    # team builds its client before it has a key, and the schema holds the API's shape only, no data.
    # Every endpoint they describe still needs a key or a session. (README "Production", DECISIONS.)
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Enums shared by several serializers get one name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ApprovalKindEnum": "approvals.choices.ApprovalKind",
        "RequestStateEnum": "approvals.choices.RequestState",
        "StepStateEnum": "approvals.choices.StepState",
        "StepKindEnum": "approvals.choices.StepKind",
        "EventActionEnum": "approvals.choices.EventAction",
        "NotificationKindEnum": "notifications.choices.NotificationKind",
        "UnitKindEnum": "regions.choices.UnitKind",
        "CustomerKindEnum": "customers.choices.CustomerKind",
        "PaymentMethodEnum": "customers.choices.PaymentMethod",
        "PlanKindEnum": "plans.choices.PlanKind",
        "PlanStateEnum": "plans.choices.PlanState",
        "SplitMethodEnum": "plans.choices.SplitMethod",
        "DistributionKindEnum": "plans.choices.DistributionKind",
        "TaskStateEnum": "workflow.choices.TaskState",
        "ExpenseStateEnum": "budgets.choices.ExpenseState",
        "SchemeStateEnum": "risk.choices.SchemeState",  # rating schemes and provision policies
        "AllocationMethodEnum": "budgets.choices.AllocationMethod",
        "ContractKindEnum": "channels.choices.ContractKind",
        "ContractStateEnum": "channels.choices.ContractState",
        "RoleEnum": "core.roles.Role",
        "MetricEnum": "plans.choices.Metric",
        "ComplaintStateEnum": "relations.choices_complaints.ComplaintState",
        "ObjectiveMetricEnum": "relations.models.keycust.ObjectiveMetric",
    },
}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", REDIS_URL or "cache+memory://")
# Without a broker configured the zero-setup run executes tasks in-process.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 600)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 900)
# A worker that dies takes no ack with it: every task is safe to run twice (DECISIONS: dead workers), so a
# task whose pool process was killed goes back to the queue (reject-on-worker-lost) instead of being acked
# as failed; a task whose whole worker died comes back after the broker's visibility timeout.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Longer than the longest hard time limit of any task (customers.import_commit, 3700 s), so a task still
# running is never handed to a second worker; short enough that a message lost with its worker returns the
# same morning. tests/core/test_jobs.py checks it against every registered task.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 4200)}
# Runs of long jobs (core/jobs.py): a worker beats every JOBS_HEARTBEAT_SECONDS; a run silent for
# JOBS_STALE_AFTER_SECONDS is failed by the reaper (beat every minute), so a killed worker's run is
# released within about 3 minutes; a run that killed its worker JOBS_MAX_ATTEMPTS times is not tried again.
JOBS_HEARTBEAT_SECONDS = env_int("JOBS_HEARTBEAT_SECONDS", 15)
JOBS_STALE_AFTER_SECONDS = env_int("JOBS_STALE_AFTER_SECONDS", 120)
JOBS_MAX_ATTEMPTS = env_int("JOBS_MAX_ATTEMPTS", 3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Denied access attempts; also stored in core.AccessDenial for the center's review.
        "regsales.security": {"level": "INFO"},
        # django-axes: every failed login at INFO; its lockouts (WARNING) are what an operator needs.
        "axes": {"level": "WARNING"},
    },
}

# Read replica, if configured: the dashboards, the ageing page, export and API, report downloads and the figures of
# a report build read from it (core/db_router.py: only the views and work that ask for it; writes, and pages that
# must show what was just written, stay on the primary). Tests point it at the test database (a mirror).
if env("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(env("DATABASE_REPLICA_URL"), conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["core.db_router.ReportReplicaRouter"]
# A page read from the replica says how far behind it is; older than this many seconds, its figures are marked stale.
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 30)
# After a write, the writer reads from the primary until the replica has replayed it, for at most this long.
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 60)
# A report build reads from the replica once it has caught up with the build's start; it waits this long, then
# reads from the primary.
REPLICA_BUILD_WAIT_SECONDS = env_int("REPLICA_BUILD_WAIT_SECONDS", 10)

# What happens when a new invoice takes a customer over their credit limit: "flag" accepts it and marks
# it (the risk issue builds alerts on the mark); "refuse" rejects it with a 409.
CREDIT_LIMIT_POLICY = env("CREDIT_LIMIT_POLICY", "flag")
if CREDIT_LIMIT_POLICY not in ("flag", "refuse"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("The environment variable CREDIT_LIMIT_POLICY must be flag or refuse.")
# Company policy on customers' credit (over-payments not allocated to any invoice): when true, a new
# invoice (single or bulk) is paid from the customer's credit at once, oldest due first; when false,
# credit is applied only when someone asks (the customer page, POST /api/v1/customers/{id}/apply-credit/).
CREDIT_AUTO_APPLY = env_bool("CREDIT_AUTO_APPLY", False)
# Default ageing buckets, in days past due: (label, first day, last day); None = open-ended.
# The PDF of a report needs a Chinese font on the server (core/checks.py): without one `manage.py check` warns
# here and stops production (REQUIRE_CJK_FONT on there), instead of PDFs of empty boxes.
REQUIRE_CJK_FONT = env_bool("REQUIRE_CJK_FONT", False)

AGEING_BUCKETS = [
    ("not_due", None, 0),
    ("d1_30", 1, 30),
    ("d31_60", 31, 60),
    ("d61_90", 61, 90),
    ("d91_180", 91, 180),
    ("d181_365", 181, 365),
    ("over_365", 366, None),
]

# Dates (docs/DECISIONS.md, "The supported date range"): every date and period that enters the system — query
# parameters, filters, periods of plans, targets, budgets, appraisal and reports, ledger records, imports — must
# lie in this range; outside it the answer is a 400 naming the field and the range (core/dates.py).
SUPPORTED_DATE_MIN = "2000-01-01"
SUPPORTED_DATE_MAX = "2099-12-31"
# How many days after today a date of each kind may lie, to catch typing slips (an invoice "issued" in 2030):
# an invoice is issued at most a month ahead (a branch pushes a month-end batch early), a payment received and a
# cancellation or reversal dated at most a week ahead; a due date or a plan may lie years ahead.
DATE_PLAUSIBLE_FUTURE_DAYS = {
    "invoice_issue": env_int("DATE_MAX_DAYS_AHEAD_INVOICE_ISSUE", 31),
    "payment_received": env_int("DATE_MAX_DAYS_AHEAD_PAYMENT_RECEIVED", 7),
    "ledger_correction": env_int("DATE_MAX_DAYS_AHEAD_LEDGER_CORRECTION", 7),  # an invoice cancelled, a payment reversed
}

# Under-performing branches (risk: improvement plans, 整改). The nightly risk.improvement_refresh flags a unit
# (a district, province or region) when, for each of the last RISK_IMPROVEMENT_ATTAINMENT_MONTHS complete
# months, its sales attainment (actual ÷ its own monthly sales target) is below
# RISK_IMPROVEMENT_ATTAINMENT_BELOW per cent; when its overdue share (open receivable past due ÷ open
# receivable, as of the day) is above RISK_IMPROVEMENT_OVERDUE_ABOVE per cent; or when at least
# RISK_IMPROVEMENT_GRADE_DROPS of its sales staff fell in credit grade within the last
# RISK_IMPROVEMENT_GRADE_DROP_MONTHS months. A flag clears itself the first night its condition no longer holds.
RISK_IMPROVEMENT_ATTAINMENT_BELOW = env_int("RISK_IMPROVEMENT_ATTAINMENT_BELOW", 80)
RISK_IMPROVEMENT_ATTAINMENT_MONTHS = env_int("RISK_IMPROVEMENT_ATTAINMENT_MONTHS", 3)
RISK_IMPROVEMENT_OVERDUE_ABOVE = env_int("RISK_IMPROVEMENT_OVERDUE_ABOVE", 30)
RISK_IMPROVEMENT_GRADE_DROPS = env_int("RISK_IMPROVEMENT_GRADE_DROPS", 1)
RISK_IMPROVEMENT_GRADE_DROP_MONTHS = env_int("RISK_IMPROVEMENT_GRADE_DROP_MONTHS", 3)

# Promotion events (推广活动, issue 17): a sale counts as an event's result when it is issued from the event's first
# day to PROMOTION_ATTRIBUTION_DAYS days after its last; attributing one outside that window is refused.
PROMOTION_ATTRIBUTION_DAYS = env_int("PROMOTION_ATTRIBUTION_DAYS", 90)

# Promotion recommendations (晋升建议, issue 19): an effective date may lie at most this many days in the past
# (a promotion decided late but effective from the start of the month); further back is refused on effective_on.
PROMOTION_BACKDATE_DAYS = env_int("PROMOTION_BACKDATE_DAYS", 30)
# How many of the last appraisal periods a promotion recommendation's evidence lists.
PROMOTION_EVIDENCE_PERIODS = env_int("PROMOTION_EVIDENCE_PERIODS", 4)
