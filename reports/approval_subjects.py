"""A business report as an approval subject (approvals.subjects): submitted to the Development Center as
ApprovalKind.REPORT; its state follows the decision (a withdrawn report is back to built)."""

from approvals.choices import ApprovalKind, RequestState
from approvals.subjects import register_subject
from reports.choices import ReportState
from reports.models import BusinessReport
from reports.presenters import report_tables


def report_snapshot(report):
    """What the center decides on: the figures as built and the analysis, frozen at submission."""
    return {
        "report": report.pk,
        "unit": report.unit_id,
        "period": str(report.period),
        "kind": report.kind,
        "analysis": report.analysis,
        "data": report.data,
    }


def report_review(report, request):
    """The report's part of the decision page: its tables and analysis as submitted."""
    snapshot = request.snapshot or {}
    return "reports/_report_review.html", {
        "report": report,
        "t": report_tables(snapshot.get("data") or report.data),
        "analysis": snapshot.get("analysis", report.analysis),
    }


register_subject(
    BusinessReport,
    kinds=[ApprovalKind.REPORT],
    waiting=ReportState.SUBMITTED,
    states={
        RequestState.APPROVED: ReportState.APPROVED,
        RequestState.RETURNED: ReportState.RETURNED,
        RequestState.REJECTED: ReportState.REJECTED,
        RequestState.WITHDRAWN: ReportState.BUILT,
    },
    stamps={RequestState.APPROVED: "approved_at"},
    snapshot=report_snapshot,
    review=report_review,
)
