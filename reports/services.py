"""Writes of business reports: request a build (a run), build (figures outside any write, then one
transaction), write the analysis, submit to the Development Center. The decision on a submitted report is
mirrored on it by the approval mechanism (reports/approval_subjects.py).

Decisions written down here:
- An approved report is final: rebuilding it is refused (Conflict 409), so what the center approved
  stays exactly what it read. A later correction goes into the next period's report.
- Rebuilding a built, returned or rejected report replaces its figures and keeps the analysis; a
  report waiting for a decision keeps its state (the reviewer reads the snapshot frozen at submission).
- Only the manager of the report's unit and the Development Center (director, center staff) build,
  write and submit reports: the regional manager for their region, the center for any region and for
  the company (reports/rights.py). Everyone whose scope covers the unit reads it.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.choices import ApprovalKind
from approvals.services import request_submit
from core.db_router import replica_caught_up, use_replica
from core.errors import Conflict, InvalidInput
from core.jobs import JobLost, job_beat, job_claim, job_reap
from core.periods import MONTH, Period
from core.periods import parse_input as parse_period
from core.rights import ensure
from regions.choices import UnitKind
from reports.choices import ACTIVE_RUN_STATES, PERIOD_KIND, WRITABLE_STATES, ReportKind, ReportState, RunState
from reports.market import market_report_figures
from reports.models import BusinessReport, ReportRun
from reports.selectors import report_figures

# A run still queued after this long, held by no worker, lost its message (a killed worker, a flushed
# broker): a new request may replace it (if the message comes back later, it finds the run failed and
# does nothing). A run held by a worker is judged by its heartbeat instead (core/jobs.py).
STALE_RUN_AFTER = datetime.timedelta(minutes=30)


def checkpoint(name):
    """A no-op that tests replace to stop or slow a build at a named point (before_figures, after_figures,
    in_transaction)."""


def report_period(period, kind, *, today=None):
    """The period of a report of `kind`: well formed, of the kind's length, and over (a month or quarter is
    reported once it has ended). InvalidInput on "period" otherwise."""
    if kind not in ReportKind.values:
        raise InvalidInput(_("Choose a monthly or a quarterly report."), field="kind")
    today = today or timezone.localdate()
    period = parse_period(str(period).strip() if period is not None else "", begun=True, today=today)
    if period.kind != PERIOD_KIND[kind]:
        if PERIOD_KIND[kind] == MONTH:
            message = _("A monthly report covers a month, such as 2026-10.")
        else:
            message = _("A quarterly report covers a quarter, such as 2026-Q3.")
        raise InvalidInput(message, field="period")
    if period.end >= today:
        raise InvalidInput(
            _("The period %(period)s has not ended yet: it can be reported from %(day)s.")
            % {"period": period, "day": period.end + datetime.timedelta(days=1)},
            field="period",
        )
    return period


def _check_unit(unit):
    if unit is None or unit.kind not in (UnitKind.REGION, UnitKind.CENTER):
        raise InvalidInput(_("Reports are made for a region or for the whole company."), field="unit")
    if not unit.is_active:
        raise InvalidInput(_("The unit %(name)s is closed.") % {"name": unit.name}, field="unit")


def _refuse_approved(unit, period, kind):
    if BusinessReport.objects.filter(unit=unit, period=str(period), kind=kind, state=ReportState.APPROVED).exists():
        raise Conflict(
            _("The report of %(unit)s for %(period)s is already approved; an approved report is not rebuilt.")
            % {"unit": unit.name, "period": period},
            field="period",
        )


def _run_update(run, **fields):
    """Progress in its own short write (autocommit), so the page sees it while the build goes on; it is
    also the run's heartbeat, written only while this execution holds the run (JobLost otherwise)."""
    if run is None:
        return
    job_beat(ReportRun, run.pk, token=run.claimed_by, **fields)
    for name, value in fields.items():
        setattr(run, name, value)


def run_claim(*, run, token):
    """Take a queued run (or a running one whose worker is gone, or this same Celery message's run after
    its execution was lost) for the execution `token`: one conditional UPDATE, so two workers never build
    the same run. False if the run is finished, failed, or held by a live worker: then do nothing."""
    claimed = job_claim(
        ReportRun,
        run.pk,
        token=token,
        states=ACTIVE_RUN_STATES,
        values={"state": RunState.RUNNING, "progress": 5, "started_at": timezone.now(), "message": "", "task_id": token[:64]},
    )
    if claimed:
        run.refresh_from_db()
    return claimed


def run_check_alive(*, run):
    """The reaper's check for one run someone is looking at (the page's progress box, the API): a run
    whose worker is gone shows failed, with the reason, as soon as its heartbeat is stale rather than at
    the next beat. One UPDATE, only while a worker holds the run. Returns the run, refreshed if reaped."""
    if run is not None and run.heartbeat_at is not None and job_reap(ReportRun, where=Q(pk=run.pk)):
        run.refresh_from_db()
    return run


def runs_release_stale(*, unit, period, kind):
    """Fail the runs of this report that block a new request but have no worker any more: a running run
    whose heartbeat went stale (the same check as the reaper's beat job), and a queued run nobody took
    for STALE_RUN_AFTER (its message was lost)."""
    job_reap(ReportRun, where=Q(unit=unit, period=str(period), kind=kind))
    ReportRun.objects.filter(
        unit=unit,
        period=str(period),
        kind=kind,
        state__in=ACTIVE_RUN_STATES,
        heartbeat_at__isnull=True,
        created_at__lt=timezone.now() - STALE_RUN_AFTER,
    ).update(state=RunState.FAILED, message=_("Abandoned: the build did not finish in time."), finished_at=timezone.now())


def report_request(*, unit, period, kind, by=None, enqueue=True):
    """Ask for a report to be (re)built: checks, then a queued run, then the Celery task after commit.
    A run of the same unit, period and kind already queued or running → Conflict (409), nothing added."""
    if by is not None:  # None: the system (a scheduled build)
        ensure(by, "report.build", unit, _("Only the unit's manager or the Development Center can build this report."))
    _check_unit(unit)
    period = report_period(period, kind)
    _refuse_approved(unit, period, kind)
    # A run left queued/running by a killed worker would block the report for ever: retire it.
    runs_release_stale(unit=unit, period=period, kind=kind)
    try:
        with transaction.atomic():
            run = ReportRun.objects.create(unit=unit, period=period, kind=kind, requested_by=by)
    except IntegrityError:
        raise Conflict(
            _("The report of %(unit)s for %(period)s is already being built; wait for that build to finish.")
            % {"unit": unit.name, "period": period},
            field="period",
        ) from None
    if enqueue:
        # cycle: reports.tasks → reports.services (the task runs the build; the service enqueues the task)
        from reports.tasks import build_report

        def send():
            result = build_report.delay(run.pk)
            # Eager runs finish inside delay(); record the id only if the run has not moved on.
            ReportRun.objects.filter(pk=run.pk, task_id="").update(task_id=result.id or "")

        transaction.on_commit(send)
    return run


def report_build(*, unit, period, kind, by=None, run=None):
    """Build (or rebuild) the report: figures computed in full first, outside any write; then, in ONE
    transaction, the report's row replaced (update_or_create on unit × period × kind), keeping the
    analysis and any open approval. A worker killed at any moment leaves the old report or the new one.
    An approved report → Conflict (409). With a `run`, the caller holds it (run_claim); if the run is
    lost meanwhile (reaped, taken over), JobLost and nothing is written."""
    _check_unit(unit)
    period = report_period(period, kind)
    _refuse_approved(unit, period, kind)
    checkpoint("before_figures")

    # The market-information report (市场信息月报) reads relations' market reports; the others the summaries.
    figures = market_report_figures if kind == ReportKind.MARKET else report_figures
    # The figures are read from the replica once it has everything committed before the build started (a report
    # is a record: never built from stale rows); a replica behind for longer → from the primary (core/db_router.py).
    with use_replica(replica_caught_up(timeout=settings.REPLICA_BUILD_WAIT_SECONDS)):
        data = figures(unit, period, kind, progress=lambda percent: _run_update(run, progress=percent))
    checkpoint("after_figures")

    now = timezone.now()
    data["source"]["built_at"] = now.isoformat()
    with transaction.atomic():
        existing = BusinessReport.objects.select_for_update().filter(unit=unit, period=str(period), kind=kind).first()
        if existing is not None and existing.state == ReportState.APPROVED:
            raise Conflict(
                _("The report of %(unit)s for %(period)s is already approved; an approved report is not rebuilt.")
                % {"unit": unit.name, "period": period},
                field="period",
            )
        report, _created = BusinessReport.objects.update_or_create(
            unit=unit,
            period=period,
            kind=kind,
            defaults={"data": data, "built_at": now, "built_by": by, "run": run},
            create_defaults={"data": data, "built_at": now, "built_by": by, "run": run, "state": ReportState.BUILT},
        )
        checkpoint("in_transaction")
        if run is not None:
            # Only while this execution still holds the run: a build whose run was reaped (its worker
            # looked dead) and maybe requested again must not write over it — the report rolls back too.
            done = ReportRun.objects.filter(pk=run.pk, state=RunState.RUNNING, claimed_by=run.claimed_by).update(
                state=RunState.SUCCEEDED, progress=100, finished_at=timezone.now(), report=report, message="", heartbeat_at=None
            )
            if not done:
                raise JobLost(f"report run {run.pk} is no longer held by {run.claimed_by}")
            run.state, run.progress, run.report = RunState.SUCCEEDED, 100, report
    return report


def run_fail(*, run, message):
    """The run ends failed with the message the page shows (only while this execution holds it)."""
    ReportRun.objects.filter(pk=run.pk, claimed_by=run.claimed_by, state__in=ACTIVE_RUN_STATES).update(
        state=RunState.FAILED, message=str(message)[:2000], finished_at=timezone.now(), heartbeat_at=None
    )
    run.state, run.message = RunState.FAILED, str(message)[:2000]


def run_requeue(*, run, message):
    """Back to queued for a retry after a transient error: the worker lets go of the run (and gives its
    attempt back: only attempts lost with their worker count towards JOBS_MAX_ATTEMPTS)."""
    ReportRun.objects.filter(pk=run.pk, claimed_by=run.claimed_by, state=RunState.RUNNING).update(
        state=RunState.QUEUED, message=str(message), heartbeat_at=None, attempts=F("attempts") - 1
    )


def _lock(report):
    return BusinessReport.objects.select_for_update().select_related("unit").get(pk=report.pk)


@transaction.atomic
def report_analysis_save(*, report, by, analysis):
    """The manager's analysis (分析): written while the report is built or returned for revision."""
    report = _lock(report)
    ensure(by, "report.edit", report, _("Only the unit's manager or the Development Center can write this report's analysis."))
    if report.state not in WRITABLE_STATES:
        raise Conflict(
            _("The report is %(state)s; its analysis can no longer be changed.") % {"state": report.get_state_display()},
            field="analysis",
        )
    report.analysis = (analysis or "").strip()
    report.save(update_fields=["analysis", "updated_at"])
    return report


@transaction.atomic
def report_submit(*, report, by, analysis=None):
    """Submit the report with its analysis to the Development Center (报发展中心), through the one
    approval mechanism (kind REPORT). Returns the approval request."""
    report = _lock(report)
    ensure(by, "report.submit", report, _("Only the unit's manager or the Development Center can submit this report."))
    if report.state not in WRITABLE_STATES:
        raise Conflict(
            _("The report is %(state)s; it cannot be submitted now.") % {"state": report.get_state_display()}, field="state"
        )
    if analysis is not None:
        report.analysis = analysis.strip()
    if not report.analysis:
        raise InvalidInput(_("Write the analysis before submitting the report."), field="analysis")
    request = request_submit(subject=report, kind=ApprovalKind.REPORT, unit=report.unit, title=report.title, by=by)
    report.state = ReportState.SUBMITTED
    report.submitted_at = request.submitted_at
    report.save(update_fields=["analysis", "state", "submitted_at", "updated_at"])
    return request


def previous_period(kind, *, today=None):
    """The last month (monthly) or quarter (quarterly) that has ended."""
    today = today or timezone.localdate()
    return Period.of(today, PERIOD_KIND[kind]).previous()
