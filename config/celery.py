"""Celery application and every periodic schedule of the system, in one place."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("regsales")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# All beat schedules live here, each with the reason it exists. Later issues add the monthly and
# quarterly reports, credit-rating and early-warning runs and approval reminders.
app.conf.beat_schedule = {
    # API keys record their last use in Redis-cheap fashion; nothing to schedule yet beyond
    # housekeeping of expired idempotency records, which arrives with the branch API.
}
