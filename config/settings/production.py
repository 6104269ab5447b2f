"""Production: PostgreSQL, Redis, a Celery worker and beat. Every value comes from the environment.

Required: DJANGO_SECRET_KEY, DATABASE_URL, REDIS_URL, DJANGO_ALLOWED_HOSTS. Start-up stops with the
variable's name if one is missing or malformed.
"""

import os

from django.core.exceptions import ImproperlyConfigured

# The base module reads optional values with safe defaults; production insists on the real ones.
from config.env import env, env_bool, env_int, env_list

for _required in ("DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOWED_HOSTS"):
    env(_required)
if not env("DATABASE_URL").startswith(("postgres://", "postgresql://", "postgis://")):
    raise ImproperlyConfigured("The environment variable DATABASE_URL must point to PostgreSQL in production.")
if len(env("DJANGO_SECRET_KEY")) < 50:
    raise ImproperlyConfigured("The environment variable DJANGO_SECRET_KEY must be at least 50 characters long.")
os.environ.setdefault("DJANGO_DEBUG", "false")

from config.settings.base import *  # noqa: E402,F403

if SECRET_KEY == DEVELOPMENT_SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured("The environment variable DJANGO_SECRET_KEY must not be the development key in production.")
DEBUG = env_bool("DJANGO_DEBUG", False)
if DEBUG:
    raise ImproperlyConfigured("The environment variable DJANGO_DEBUG must not be true in production.")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CELERY_TASK_ALWAYS_EAGER = False
# No CJK font → `manage.py check` (and so start-up) fails with core.E010 instead of PDFs of empty boxes.
REQUIRE_CJK_FONT = env_bool("REQUIRE_CJK_FONT", True)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
