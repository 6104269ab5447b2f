"""The approval-subject protocol (approvals/subjects.py): declared once, applied by approvals under its own
lock, guarded against a stale state, and checked at start-up (`manage.py check`)."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from approvals import services
from approvals.checks import check_approval_subjects
from approvals.choices import ApprovalKind, RequestState
from approvals.subjects import register_subject, subject_of, subject_review, subject_snapshot
from reports.choices import ReportState
from reports.models import BusinessReport
from tests.approvals.helpers import declare_subject

K = ApprovalKind


def ids(messages):
    return sorted({message.id for message in messages})


def test_the_project_declares_every_subject_and_passes_the_check():
    assert check_approval_subjects() == []
    call_command("check", "--fail-level", "ERROR")
    declared = subject_of(BusinessReport)
    assert declared.kinds == (K.REPORT,) and declared.waiting == (ReportState.SUBMITTED,)


def test_a_misspelt_hook_keyword_stops_the_start_up():
    from regions.models import OrgUnit

    with pytest.raises(TypeError):
        register_subject(OrgUnit, kinds=[K.REPORT], on_aproved=lambda unit, request: None)
    assert subject_of(OrgUnit) is None


def test_a_hook_that_does_not_resolve_is_an_error_of_the_check(monkeypatch):
    from regions.models import OrgUnit

    declare_subject(monkeypatch, OrgUnit, kinds=[K.REPORT], on_approved="reports.services.report_on_aproved")
    errors = check_approval_subjects()
    assert ids(errors) == ["approvals.E003"] and "report_on_aproved" in errors[0].msg
    with pytest.raises(SystemCheckError):
        call_command("check")


def test_a_hook_of_the_wrong_signature_is_an_error_of_the_check(monkeypatch):
    from regions.models import OrgUnit

    declare_subject(monkeypatch, OrgUnit, kinds=[K.REPORT], on_returned=lambda request: None, snapshot=lambda: {})
    assert [message.id for message in check_approval_subjects()] == ["approvals.E003", "approvals.E003"]


def test_states_kinds_and_stamps_are_checked(monkeypatch):
    from regions.models import OrgUnit

    declare_subject(
        monkeypatch,
        OrgUnit,
        kinds=["holiday"],
        state_field="kind",
        waiting="district",
        states={RequestState.APPROVED: "nowhere"},  # not a choice; and three decisions left unmapped
        stamps={RequestState.APPROVED: "approved_on"},
    )
    assert ids(check_approval_subjects()) == ["approvals.E002", "approvals.E004", "approvals.E005"]
    with pytest.raises(ValueError):
        register_subject(BusinessReport, kinds=[K.REPORT], waiting="submitted", states={RequestState.SUBMITTED: "x"})


def test_a_model_with_the_old_duck_typed_methods_but_no_declaration_is_refused(monkeypatch):
    from regions.models import OrgUnit

    monkeypatch.setattr(OrgUnit, "on_approved", lambda self, request: None, raising=False)
    errors = check_approval_subjects()
    assert ids(errors) == ["approvals.E006"] and "regions.OrgUnit" in errors[0].msg


def test_a_registered_subject_is_submitted_only_as_its_kind(personas, units):
    report = BusinessReport.objects.create(unit=units["HD"], period="2026-03", kind="monthly", data={})
    with pytest.raises(ValueError):
        services.request_submit(subject=report, kind=K.BUDGET, unit=units["HD"], title="x", by=personas["rm_east"].user)


def _submitted_report(personas, units):
    report = BusinessReport.objects.create(
        unit=units["HD"], period="2026-03", kind="monthly", data={"figures": 1}, analysis="好", state=ReportState.SUBMITTED
    )
    request = services.request_submit(subject=report, kind=K.REPORT, unit=units["HD"], title="月报", by=personas["rm_east"].user)
    return report, request


def test_approvals_writes_the_subjects_state_and_stamps(personas, units):
    report, request = _submitted_report(personas, units)
    assert request.snapshot == subject_snapshot(report) and request.snapshot["analysis"] == "好"
    assert subject_review(units["HD"], request) is None  # a bare matter: the page lists the snapshot
    request = services.request_approve(request=request, by=personas["center"].user)
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED and report.approved_at == request.decided_at


def test_a_subject_that_moved_on_is_not_overwritten_by_a_stale_decision(personas, units, caplog):
    report, request = _submitted_report(personas, units)
    BusinessReport.objects.filter(pk=report.pk).update(state=ReportState.BUILT)  # changed by another path
    request = services.request_reject(request=request, by=personas["center"].user, comment="数据有误")
    assert request.state == RequestState.REJECTED
    report.refresh_from_db()
    assert report.state == ReportState.BUILT and "not waiting" in caplog.text


def test_hooks_run_while_the_subject_still_waits_then_its_state_is_written(personas, units, monkeypatch):
    seen = []
    declared = subject_of(BusinessReport)
    declare_subject(
        monkeypatch,
        BusinessReport,
        kinds=declared.kinds,
        waiting=declared.waiting,
        states=declared.states,
        stamps=declared.stamps,
        snapshot=declared.snapshot,
        on_withdrawn=lambda report, request: seen.append((report.state, request.state)),
    )
    report, request = _submitted_report(personas, units)
    services.request_withdraw(request=request, by=personas["rm_east"].user)
    report.refresh_from_db()
    assert seen == [(ReportState.SUBMITTED, RequestState.WITHDRAWN)] and report.state == ReportState.BUILT
