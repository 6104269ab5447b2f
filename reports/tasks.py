"""Background jobs of business reports. Thin: each calls reports.services and is safe to run twice (the
report's row is unique per unit × period × kind and replaced in one transaction; a second request while
one build is queued or running is refused by a partial unique constraint). A build is claimed by one
conditional UPDATE and beats while it runs (core/jobs.py): a message delivered again after its worker
died takes the run back, and one whose run is finished or failed does nothing."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.jobs import JobLost, heartbeat, new_token
from regions.choices import UnitKind
from regions.models import OrgUnit
from reports.choices import ReportKind, RunState
from reports.models import ReportRun
from reports.services import previous_period, report_build, report_request, run_claim, run_fail, run_requeue

# Database hiccups (a restart, a dropped connection, a lock timeout) are worth retrying; a business
# refusal (an approved report, a bad period) is not.
TRANSIENT = (OperationalError, InterfaceError)
MAX_RETRIES = 3


@shared_task(
    name="reports.build_report",
    bind=True,
    autoretry_for=TRANSIENT,
    max_retries=MAX_RETRIES,
    retry_backoff=True,
    retry_backoff_max=300,
    soft_time_limit=600,
    time_limit=720,
    # Acked only when done, and put back in the queue if the pool process running it dies: the build is
    # idempotent and the claim lets the second delivery take over only a run whose execution was lost.
    acks_late=True,
    reject_on_worker_lost=True,
)
def build_report(self, run_id):
    """Build the report a run asks for; the run records success, or failure with its message."""
    run = ReportRun.objects.select_related("unit", "requested_by").filter(pk=run_id).first()
    if run is None or run.state not in (RunState.QUEUED, RunState.RUNNING):
        return None  # already done (a duplicate delivery after acks_late) or retired
    # The Celery task id is the holder's token: the same message delivered again (its pool process was
    # killed) takes its run back at once; any other execution waits for the heartbeat to go stale.
    if not run_claim(run=run, token=self.request.id or new_token()):
        return None  # finished, failed, or held by a live worker
    try:
        with heartbeat(ReportRun, run.pk, token=run.claimed_by, thread=not self.request.is_eager):
            report = report_build(unit=run.unit, period=run.period, kind=run.kind, by=run.requested_by, run=run)
    except JobLost:
        return None  # reaped or taken over meanwhile: whoever holds the run now reports it
    except DomainError as error:
        run_fail(run=run, message=error.message)
        return None
    except SoftTimeLimitExceeded:
        run_fail(run=run, message=_("The build took too long and was stopped; try again later."))
        return None
    except TRANSIENT as error:
        if self.request.retries >= self.max_retries:
            run_fail(run=run, message=_("The database was unavailable: %(error)s") % {"error": error})
        else:
            run_requeue(run=run, message=_("Retrying after a database error."))
        raise
    except Exception as error:
        run_fail(run=run, message=_("The build failed: %(error)s") % {"error": error})
        raise
    return report.pk


def _request_all(kind):
    """Queue the previous period's report of every active region and of the company; units whose report
    is already being built or is approved are skipped (so a second run of the job adds nothing)."""
    period = previous_period(kind)
    units = OrgUnit.objects.filter(kind__in=[UnitKind.CENTER, UnitKind.REGION], is_active=True).order_by("path")
    queued = []
    for unit in units:
        try:
            queued.append(report_request(unit=unit, period=period, kind=kind).pk)
        except DomainError:
            continue
    return queued


@shared_task(name="reports.build_monthly", soft_time_limit=120, time_limit=180)
def build_monthly():
    """Last month's report of every region and of the company (beat: the 1st of each month)."""
    return _request_all(ReportKind.MONTHLY)


@shared_task(name="reports.build_quarterly", soft_time_limit=120, time_limit=180)
def build_quarterly():
    """Last quarter's report of every region and of the company (beat: the first day of each quarter)."""
    return _request_all(ReportKind.QUARTERLY)


@shared_task(name="reports.build_market_monthly", soft_time_limit=120, time_limit=180)
def build_market_monthly():
    """Last month's market-information report (市场信息月报) of every region and of the company (beat: the 1st)."""
    return _request_all(ReportKind.MARKET)
