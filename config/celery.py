"""Celery application and every periodic schedule of the system, in one place."""

import logging
import os

from celery import Celery, Task
from celery.schedules import crontab
from django.conf import settings
from django.core.cache import cache
from kombu import Queue

# A worker or beat started without DJANGO_SETTINGS_MODULE runs with production settings (like config/wsgi.py),
# which refuse to start without the real values; tasks of a local run execute eagerly and need no worker.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

logger = logging.getLogger(__name__)


class DeliveryCappedTask(Task):
    """The base of every task. With reject-on-worker-lost (settings) a message whose process died goes back
    to the queue; a task that kills its worker every time (a job that exhausts memory) would then loop for
    ever. Each execution counts itself in the cache (Redis) under its task id and clears the count when it
    ends, however it ends; a message that has started JOBS_MAX_ATTEMPTS times without ending is dropped,
    with an error in the log. (Runs with a row — reports, imports — are also capped by their claim.)"""

    def __call__(self, *args, **kwargs):
        if self.request.is_eager or not self.request.id:
            return super().__call__(*args, **kwargs)
        key = f"celery:started:{self.request.id}"
        try:
            cache.add(key, 0, timeout=2 * 24 * 3600)
            started = cache.incr(key)
        except Exception:  # the cache is down: run uncounted rather than not at all
            logger.warning("could not count the starts of %s[%s]", self.name, self.request.id, exc_info=True)
            return super().__call__(*args, **kwargs)
        if started > settings.JOBS_MAX_ATTEMPTS:
            logger.error("%s[%s] killed its worker %d times: dropped", self.name, self.request.id, settings.JOBS_MAX_ATTEMPTS)
            return None
        try:
            return super().__call__(*args, **kwargs)
        finally:
            try:
                cache.delete(key)
            except Exception:
                logger.warning("could not clear the start count of %s[%s]", self.name, self.request.id, exc_info=True)


app = Celery("regsales", task_cls=DeliveryCappedTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["team"], related_name="tasks_training")  # team keeps one tasks module per subject
# Team building keeps its jobs in one module per subject (team/tasks_<subject>.py).
app.autodiscover_tasks(["team"], related_name="tasks_promo")

# Queues by kind of work (issue 20): every task goes to exactly one of four queues, by its name, so that each
# kind has workers of its own and a slow report or a nightly rebuild never delays a reminder or an import.
# This is the only place a task is routed (nothing passes queue= when sending). A task whose name matches no
# pattern would go to Celery's default queue, which no worker consumes: tests/core/test_queues.py fails on it,
# and on a name matching patterns of two queues. The worker commands (one per queue) are in the README.
QUEUES = {
    # Files and batches from people and branch systems: minutes each, memory-hungry; acked late.
    "ingest": ["customers.import_*"],
    # Business reports asked for by people (and the monthly/quarterly runs that only queue them): up to 12 min.
    "reports": ["reports.*"],
    # Reminders, escalations and notifications — short, due at a time of day; and the reaper of dead workers'
    # runs (every minute, must not wait behind an hour-long rebuild).
    "reminders": [
        "approvals.*",
        "workflow.*",
        "channels.contracts_remind",
        "relations.complaints_escalate",
        "team.training_reminders",
        "team.promotions_apply_due",  # approved promotions applied at 00:30: a few rows, before the working day
        "risk.notify_event_reported",
        "risk.escalate_warnings",
        "risk.credit_exceptions_end",
        "core.jobs_reap",
    ],
    # Summaries, snapshots, nightly ratings, scores and models: long, CPU and database heavy; Celery's own
    # maintenance tasks (celery.backend_cleanup and the canvas helpers) too.
    "rebuilds": [
        "performance.*",
        "dashboard.*",
        "appraisal.*",
        "risk.rate_all",
        "risk.forecast_*",
        "risk.improvement_refresh",
        "risk.evaluate_warnings",
        "risk.credit_holds_refresh",
        "risk.credit_limits_suggest",
        "core.idempotency_purge",
        "celery.*",
    ],
}
app.conf.task_queues = [Queue(name, routing_key=name) for name in QUEUES]
app.conf.task_routes = {
    pattern: {"queue": name, "routing_key": name} for name, patterns in QUEUES.items() for pattern in patterns
}
# Beat sends each run of a schedule once however many beat processes run (config/beat.py).
app.conf.beat_scheduler = "config.beat:SingleRunScheduler"

# All beat schedules live here, each with the reason it exists. Later issues add the
# credit-rating and early-warning runs.
app.conf.beat_schedule = {
    # Idempotency keys of the branch API are promised for 24 hours; the purge keeps 48 and runs
    # hourly so the table stays small (one day of POSTs) without ever cutting a promised retry short.
    "core.idempotency_purge": {"task": "core.idempotency_purge", "schedule": crontab(minute=17)},
    # A worker killed mid-job (out of memory, a redeploy) cannot mark its run failed; runs whose heartbeat
    # is older than JOBS_STALE_AFTER_SECONDS (2 min) are failed every minute, so a dead worker's report or
    # import stops blocking a rebuild within about 3 minutes (core/jobs.py). One UPDATE per job model.
    "core.jobs_reap": {"task": "core.jobs_reap", "schedule": crontab(minute="*")},
    # Approvals past their SLA (working days on China's calendar) are escalated to the director once;
    # hourly is prompt enough for a deadline counted in days, and the task is safe to run twice.
    # (Named approvals.remind_overdue until issue 13; that name stays registered as an alias of the task.)
    "approvals.escalate_overdue": {"task": "approvals.escalate_overdue", "schedule": crontab(minute=7)},
    # Overdue approvals remind their current approvers once a day, at the start of the morning's work
    # (the task skips requests already reminded today, so a second run sends nothing).
    "approvals.send_overdue_reminders": {"task": "approvals.send_overdue_reminders", "schedule": crontab(hour=9, minute=13)},
    # The working calendar (approvals.CalendarDay) must hold next year's holidays before next year starts, or its
    # SLAs count Monday to Friday: from 1 December the Development Center is told once (the job finds the message
    # already sent on later days); daily at 09:20, after the morning reminders.
    "approvals.calendar_check": {"task": "approvals.calendar_check", "schedule": crontab(hour=9, minute=20)},
    # Open tasks due today or overdue remind their owner once a day, and go to the supervisor once when a
    # working day late. Daily at 08:30 Beijing time (CELERY_TIMEZONE is Asia/Shanghai), before the working
    # day starts; the job marks each task (reminded_on / escalated_on), so a second run that day sends nothing.
    "workflow.remind_overdue": {"task": "workflow.remind_overdue", "schedule": crontab(hour=8, minute=30)},
    # Monthly summaries (performance.MonthlyFact) behind attainment and dashboards: the current and the
    # previous month are re-aggregated every 10 minutes (≈11 s at 10M invoices), so figures are at most
    # about 10 minutes old without any request scanning raw invoices.
    "performance.refresh_recent": {"task": "performance.refresh_recent", "schedule": crontab(minute="*/10")},
    # Late corrections to older months (a reversal, a cancellation, a back-dated import) reach the
    # summaries through a full rebuild every night, before the working day.
    "performance.rebuild_summaries": {"task": "performance.rebuild_summaries", "schedule": crontab(hour=3, minute=20)},
    # The dashboard's receivables snapshot (ageing by district × salesperson, customers over their credit limit):
    # rebuilt every 10 minutes (≈80–115 s at 10M invoices, measured) so that no dashboard request scans invoices;
    # at minute 5, 15, … so it does not start together with the summary refresh.
    "dashboard.refresh_receivables": {"task": "dashboard.refresh_receivables", "schedule": crontab(minute="5-59/10")},
    # Appraisal: recompute the last finished period of every approved scheme after the nightly summary
    # rebuild (03:20), so late fact corrections reach the scores; manual scores and comments are kept.
    "appraisal.compute_all": {"task": "appraisal.compute_all", "schedule": crontab(hour=4, minute=10)},
    # Credit ratings (信誉等级): every customer and salesperson graded by the schemes in force, nightly after the
    # summaries and the appraisal the staff factors read; a second run the same day changes nothing.
    "risk.rate_all": {"task": "risk.rate_all", "schedule": crontab(hour=4, minute=40)},
    # Foresight (提前预见): the default-risk model retrained on the 2nd of each month at 05:30 (last month's facts,
    # late corrections included, are in by then) and every customer scored with it right after; nightly at
    # 05:10 (after the rating) the customers are scored again with the model in use — both safe to run twice.
    "risk.forecast_train": {"task": "risk.forecast_train", "schedule": crontab(day_of_month=2, hour=5, minute=30)},
    "risk.forecast_score": {"task": "risk.forecast_score", "schedule": crontab(hour=5, minute=10)},
    # Under-performing branches: flags raised and cleared from the summaries, the ledger and the night's grade
    # changes, so after the summaries (03:20) and the rating run (04:40); approved improvement plans start.
    "risk.improvement_refresh": {"task": "risk.improvement_refresh", "schedule": crontab(hour=5, minute=0)},
    # Early warnings (预警): every active rule run after the rating (the grade-fall rule reads tonight's grades);
    # a re-run opens no duplicate. Escalation of warnings past their deadline at 08:50, before the working day,
    # at most once a working day per warning.
    "risk.evaluate_warnings": {"task": "risk.evaluate_warnings", "schedule": crontab(hour=5, minute=10)},
    "risk.escalate_warnings": {"task": "risk.escalate_warnings", "schedule": crontab(hour=8, minute=50)},
    # Business reports (业务月报): last month's report of every region and of the company, queued on the 1st at
    # 02:30 Beijing time — the 10-minute summary refresh has closed the month by then; the job only queues one
    # run per unit (a second run finds them built, approved or already running), so it is safe to run twice.
    "reports.build_monthly": {"task": "reports.build_monthly", "schedule": crontab(day_of_month=1, hour=2, minute=30)},
    # Quarterly reports (季报): last quarter's, on the first day of each quarter at 03:00 (after the monthly run).
    "reports.build_quarterly": {
        "task": "reports.build_quarterly",
        "schedule": crontab(month_of_year="1,4,7,10", day_of_month=1, hour=3, minute=0),
    },
    # Monthly market-information reports (市场信息月报, issue 18): last month's market intelligence of every region
    # and of the company, queued on the 1st at 02:45 (reports written on the month's last evening are in by then);
    # one run per unit, so safe to run twice, like the business reports.
    "reports.build_market_monthly": {
        "task": "reports.build_market_monthly",
        "schedule": crontab(day_of_month=1, hour=2, minute=45),
    },
    # Credit-limit exceptions (信用额度例外) past their last day: the credit check stopped counting them at midnight
    # by itself (it reads the dates); at 00:20 the job stamps them ended and tells each customer's salesperson,
    # who learns it before the working day. Stamped exceptions are skipped, so a second run sends nothing.
    "risk.credit_exceptions_end": {"task": "risk.credit_exceptions_end", "schedule": crontab(hour=0, minute=20)},
    # Credit holds (暂停赊销): customers of grade D or with an invoice long overdue get no new invoices. After the
    # rating (04:40) whose grades the rule reads, before the working day; one hold on per customer, so safe twice.
    "risk.credit_holds_refresh": {"task": "risk.credit_holds_refresh", "schedule": crontab(hour=5, minute=20)},
    # Suggested credit limits (建议信用额度) by the credit policy in force, from tonight's grades (the rating at 04:40)
    # and the last twelve months' sales; a second run replaces the open suggestions with the same ones.
    "risk.credit_limits_suggest": {"task": "risk.credit_limits_suggest", "schedule": crontab(hour=5, minute=30)},
    # Contracts (合同) ending within 30 and 7 days: their owners told once per threshold, states moved to expiring
    # or expired; at 07:40, before the working day. A reminder row per contract and threshold makes a rerun silent.
    "channels.contracts_remind": {"task": "channels.contracts_remind", "schedule": crontab(hour=7, minute=40)},
    # Complaints (投诉) past their SLA without a result pass one level up the org tree, the new owner told: at 08:40,
    # before the working day; the job does nothing on days off (China's calendar) and escalates a complaint at most
    # once a day (escalated_on, a row per complaint and day), so a second run that day changes nothing.
    "relations.complaints_escalate": {"task": "relations.complaints_escalate", "schedule": crontab(hour=8, minute=40)},
    # Mandatory training due (培训): people told of each mandatory course they have not passed within its validity and
    # are not booked on, at 08:10 before the working day; one reminder per person, course and ISO week (a unique row),
    # so the daily runs of one week send it once.
    "team.training_reminders": {"task": "team.training_reminders", "schedule": crontab(hour=8, minute=10)},
    # Approved promotions (晋升建议, issue 19) whose effective date has come: applied through the staff services at
    # 00:30, before anyone logs in, so scope follows the new position from the first request of the day. Only an
    # approved, not yet applied one is applied (under its row lock): a second run applies nothing.
    "team.promotions_apply_due": {"task": "team.promotions_apply_due", "schedule": crontab(hour=0, minute=30)},
}
