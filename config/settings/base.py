"""Settings for every environment.

Defaults give the zero-setup local run (SQLite, Celery tasks executed eagerly, console e-mail);
production overrides come from environment variables (see config/settings/production.py and the
README section "Production").
"""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import env, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
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
    "core",
    "approvals",
    "regions",
    "customers",
    "plans",
    "workflow",
    "budgets",
    "notifications",
    "channels",
    "performance",
    "risk",
    "reports",
    "appraisal",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.audit.AuditDoorMiddleware",
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api_keys.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
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

SPECTACULAR_SETTINGS = {
    "TITLE": "Regional Sales Management API / 大区销售管理系统 API",
    "DESCRIPTION": _(
        "REST API for branch systems and people. Branch systems authenticate with an API key "
        "(header `Authorization: Api-Key <key>`) bound to one organisation unit; people use their session."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
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
        "AllocationMethodEnum": "budgets.choices.AllocationMethod",
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
    },
}

# Read replica for reports, if configured: reads from report selectors go there through the router.
if env("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(env("DATABASE_REPLICA_URL"), conn_max_age=60)
    DATABASE_ROUTERS = ["core.db_router.ReportReplicaRouter"]

# What happens when a new invoice takes a customer over their credit limit: "flag" accepts it and marks
# it (the risk issue builds alerts on the mark); "refuse" rejects it with a 409.
CREDIT_LIMIT_POLICY = env("CREDIT_LIMIT_POLICY", "flag")
if CREDIT_LIMIT_POLICY not in ("flag", "refuse"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("The environment variable CREDIT_LIMIT_POLICY must be flag or refuse.")
# Default ageing buckets, in days past due: (label, first day, last day); None = open-ended.
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
