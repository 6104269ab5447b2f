"""Building reports: repeatable, one at a time, all or nothing, refused for bad input and for an approved
report; the Celery tasks and the management command."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.errors import Conflict, InvalidInput
from core.periods import Period
from reports import services, tasks
from reports.choices import ReportKind, ReportState, RunState
from reports.models import BusinessReport, ReportRun
from reports.services import report_build, report_request
from tests.reports.conftest import MONTH, QUARTER

pytestmark = pytest.mark.django_db


def _without_moment(data):
    data = dict(data)
    data["source"] = {k: v for k, v in data["source"].items() if k != "built_at"}
    return data


def test_rebuilding_twice_gives_identical_data_and_one_row(facts, units):
    first = report_build(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY)
    BusinessReport.objects.filter(pk=first.pk).update(analysis="华东三月分析")
    second = report_build(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY)
    assert second.pk == first.pk
    assert BusinessReport.objects.filter(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY).count() == 1
    assert _without_moment(second.data) == _without_moment(first.data)
    second.refresh_from_db()
    assert second.analysis == "华东三月分析"  # the analysis survives a rebuild


def test_a_second_request_while_one_is_queued_is_a_conflict(facts, units):
    run = report_request(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY, enqueue=False)
    with pytest.raises(Conflict):
        report_request(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY, enqueue=False)
    assert ReportRun.objects.filter(unit=units["HD"], state__in=[RunState.QUEUED, RunState.RUNNING]).count() == 1
    # Another kind or period is another report.
    report_request(unit=units["HD"], period=QUARTER, kind=ReportKind.QUARTERLY, enqueue=False)
    # Once the first run ends, a new one may start.
    ReportRun.objects.filter(pk=run.pk).update(state=RunState.SUCCEEDED)
    report_request(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY, enqueue=False)


def test_a_run_abandoned_by_a_killed_worker_does_not_block_for_ever(facts, units):
    run = report_request(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY, enqueue=False)
    ReportRun.objects.filter(pk=run.pk).update(
        state=RunState.RUNNING, created_at=timezone.now() - services.STALE_RUN_AFTER - datetime.timedelta(minutes=1)
    )
    report_request(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY, enqueue=False)
    run.refresh_from_db()
    assert run.state == RunState.FAILED


@pytest.mark.parametrize("point", ["after_figures", "in_transaction"])
def test_a_crash_mid_build_leaves_the_old_report_intact(facts, units, monkeypatch, point):
    old = report_build(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY)
    BusinessReport.objects.filter(pk=old.pk).update(data={"marker": "old"})

    def crash(name):
        if name == point:
            raise RuntimeError("worker killed")

    monkeypatch.setattr(services, "checkpoint", crash)
    run = report_request(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY, enqueue=False)
    with pytest.raises(RuntimeError):
        tasks.build_report.apply(args=[run.pk], throw=True)
    old.refresh_from_db()
    assert old.data == {"marker": "old"}
    assert BusinessReport.objects.count() == 1
    run.refresh_from_db()
    assert run.state == RunState.FAILED and "worker killed" in run.message


def test_a_crash_on_the_first_build_leaves_no_half_report(facts, units, monkeypatch):
    monkeypatch.setattr(services, "checkpoint", lambda name: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        report_build(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY)
    assert not BusinessReport.objects.exists()


@pytest.mark.parametrize(
    ("period", "kind"),
    [
        ("2026-13", ReportKind.MONTHLY),
        ("nonsense", ReportKind.MONTHLY),
        ("", ReportKind.MONTHLY),
        ("2031-01", ReportKind.MONTHLY),  # not begun
        ("2026-Q1", ReportKind.MONTHLY),  # a quarter is not a month
        ("2026-03", ReportKind.QUARTERLY),
        ("2026", ReportKind.QUARTERLY),
    ],
)
def test_bad_periods_are_refused_on_the_period_field(units, period, kind):
    with pytest.raises(InvalidInput) as error:
        report_request(unit=units["HD"], period=period, kind=kind, enqueue=False)
    assert error.value.field == "period"


def test_the_current_month_and_quarter_cannot_be_reported_until_they_end(units):
    today = timezone.localdate()
    for kind, text in (
        (ReportKind.MONTHLY, str(Period.of(today, "month"))),
        (ReportKind.QUARTERLY, str(Period.of(today, "quarter"))),
    ):
        with pytest.raises(InvalidInput) as error:
            report_build(unit=units["HD"], period=text, kind=kind)
        assert error.value.field == "period"
    # The day after the month ends, it can.
    month = Period.parse("2026-03")
    assert services.report_period("2026-03", ReportKind.MONTHLY, today=month.end + datetime.timedelta(days=1)) == month
    with pytest.raises(InvalidInput):
        services.report_period("2026-03", ReportKind.MONTHLY, today=month.end)


@pytest.mark.parametrize("code", ["330000", "330100"])
def test_only_regions_and_the_company_have_reports(units, code):
    with pytest.raises(InvalidInput) as error:
        report_build(unit=units[code], period=MONTH, kind=ReportKind.MONTHLY)
    assert error.value.field == "unit"


def test_an_approved_report_is_not_rebuilt(facts, units):
    report = report_build(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY)
    BusinessReport.objects.filter(pk=report.pk).update(state=ReportState.APPROVED, data={"approved": True})
    with pytest.raises(Conflict):
        report_build(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY)
    with pytest.raises(Conflict):
        report_request(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY, enqueue=False)
    report.refresh_from_db()
    assert report.data == {"approved": True}


def test_a_submitted_report_keeps_its_state_and_analysis_on_rebuild(facts, units):
    report = report_build(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY)
    BusinessReport.objects.filter(pk=report.pk).update(state=ReportState.SUBMITTED, analysis="正在审批")
    report_build(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY)
    report.refresh_from_db()
    assert (report.state, report.analysis) == (ReportState.SUBMITTED, "正在审批")


def test_the_task_builds_and_records_the_run(facts, units, django_capture_on_commit_callbacks, personas):
    with django_capture_on_commit_callbacks(execute=True):
        run = report_request(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY, by=personas["rm_east"].user)
    run.refresh_from_db()
    assert run.state == RunState.SUCCEEDED and run.progress == 100
    assert run.report.data["unit"]["code"] == "HD"
    assert run.report.built_by == personas["rm_east"].user
    assert run.started_at and run.finished_at


def test_the_task_marks_a_refused_build_failed_with_the_message(facts, units):
    run = report_request(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY, enqueue=False)
    report_build(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY)
    BusinessReport.objects.update(state=ReportState.APPROVED)
    tasks.build_report.apply(args=[run.pk])
    run.refresh_from_db()
    assert run.state == RunState.FAILED and run.message


def test_the_task_retries_database_errors_then_fails(facts, units, monkeypatch):
    from django.db import OperationalError

    calls = []

    def flaky(**kwargs):
        calls.append(1)
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(tasks, "report_build", flaky)
    # Eager retries re-apply the task; they must not propagate the first error to the test.
    monkeypatch.setitem(tasks.build_report.app.conf, "task_eager_propagates", False)
    run = report_request(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY, enqueue=False)
    result = tasks.build_report.apply(args=[run.pk], throw=False)
    assert isinstance(result.result, OperationalError)
    assert len(calls) == tasks.MAX_RETRIES + 1
    run.refresh_from_db()
    assert run.state == RunState.FAILED
    assert tasks.build_report.soft_time_limit < tasks.build_report.time_limit


def test_the_monthly_job_is_safe_to_run_twice(facts, units, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(
        services, "previous_period", lambda kind, today=None: Period.parse(MONTH if kind == "monthly" else QUARTER)
    )
    monkeypatch.setattr(tasks, "previous_period", services.previous_period)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.build_monthly.apply()
    count = BusinessReport.objects.filter(period=MONTH, kind=ReportKind.MONTHLY).count()
    assert count == BusinessReport.objects.filter(period=MONTH).values("unit").distinct().count()
    assert BusinessReport.objects.filter(unit=units["HQ"], period=MONTH).exists()
    assert BusinessReport.objects.filter(unit=units["HN"], period=MONTH).exists()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.build_monthly.apply()
        tasks.build_quarterly.apply()
    assert BusinessReport.objects.filter(period=MONTH, kind=ReportKind.MONTHLY).count() == count
    assert BusinessReport.objects.filter(period=QUARTER, kind=ReportKind.QUARTERLY).count() == count


def test_the_command_builds_on_demand(facts, units, capsys):
    call_command("build_reports", "--period", MONTH, "--unit", "HD", "--sync")
    assert BusinessReport.objects.filter(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY).exists()
    call_command("build_reports", "--period", QUARTER, "--sync")
    assert BusinessReport.objects.filter(period=QUARTER, kind=ReportKind.QUARTERLY).count() >= 2
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("build_reports", "--period", "2031-01", "--unit", "HD", "--sync")
