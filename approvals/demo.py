"""Demo approvals: a few reports and filings at each stage, so the queue, the inbox and the decision
screen have something to show. The subjects are org units themselves (a unit's report or filing);
plans and budgets submit their own matters in their demos."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from approvals import services
from approvals.choices import ApprovalKind, RequestState
from approvals.models import ApprovalRequest
from core.rights import SYSTEM
from regions.models import OrgUnit, StaffProfile


def _user(username):
    return StaffProfile.objects.select_related("user").get(user__username=username).user


def _approver(request):
    """The login of the person the request waits for (the regional manager of the demo region)."""
    return request.current_step.approver.user


def _post_holder(unit_id, role):
    """The first active person with a login in the post (`role` at the unit), or None."""
    return (
        StaffProfile.objects.filter(unit_id=unit_id, role=role, is_active=True, user__isnull=False)
        .select_related("user")
        .order_by("pk")
        .first()
    )


def approve_through(request, *, comment):
    """Decide every step of a demo request as its approver (the holder of the step's post when none is named,
    the system when the post is empty), each with `comment`, until the request is decided.

    For the demos of the apps above (risk, channels) that take their matters through the whole chain."""
    request.refresh_from_db()
    while request.state == RequestState.SUBMITTED:
        step = request.current_step
        approver = step.approver or _post_holder(step.approver_unit_id, step.approver_role)
        services.request_approve(request=request, by=approver.user if approver is not None else SYSTEM, comment=comment)
        request.refresh_from_db()


def _backdate(request, days):
    submitted = timezone.now() - timedelta(days=days)
    ApprovalRequest.objects.filter(pk=request.pk).update(
        submitted_at=submitted, due_at=services.due_at_for(kind=request.kind, submitted_at=submitted)
    )


@transaction.atomic
def load_demo_approvals(*, today=None) -> dict:
    """Load the demo requests once (does nothing when already loaded); returns how many it made."""
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=["330100", "440100", "330000"])}
    unit_type = ContentType.objects.get_for_model(OrgUnit)
    if ApprovalRequest.objects.filter(content_type=unit_type, object_id=units["330100"].pk).exists():
        return {"requests": 0}
    made = []

    # 杭州's monthly report: the regional manager approved it, it now waits at the center, overdue.
    report = services.request_submit(
        subject=units["330100"],
        kind=ApprovalKind.REPORT,
        unit=units["330100"],
        title="杭州地办 月度工作报告",
        by=_user("dm_hangzhou"),
        snapshot={"月份": "本月", "新增客户": 12, "回款": "1860000.00", "重点事项": ["走访重点客户", "清理逾期账款"]},
    )
    services.request_approve(request=report, by=_approver(report), comment="同意，报中心")
    _backdate(report, 12)
    made.append(report)

    # 广州's monthly report: waits for the regional manager.
    made.append(
        services.request_submit(
            subject=units["440100"],
            kind=ApprovalKind.REPORT,
            unit=units["440100"],
            title="广州地办 月度工作报告",
            by=_user("dm_guangzhou"),
            snapshot={"月份": "本月", "新增客户": 8, "回款": "1240000.00"},
        )
    )

    # 浙江's contract filing: returned by the center, revised and submitted again (the diff shows what changed).
    first = services.request_submit(
        subject=units["330000"],
        kind=ApprovalKind.CONTRACT_FILING,
        unit=units["330000"],
        title="浙江省 年度框架合同备案",
        by=_user("pm_zhejiang"),
        snapshot={"合同金额": "5000000.00", "期限": "12个月", "条款": [{"code": "付款", "内容": "季度结算"}]},
    )
    services.request_approve(request=first, by=_approver(first))
    services.request_return(request=first, by=_user("center"), comment="付款条款请改为月度结算，并补充违约责任。")
    second = services.request_submit(
        subject=units["330000"],
        kind=ApprovalKind.CONTRACT_FILING,
        unit=units["330000"],
        title="浙江省 年度框架合同备案",
        by=_user("pm_zhejiang"),
        snapshot={
            "合同金额": "5000000.00",
            "期限": "12个月",
            "条款": [{"code": "付款", "内容": "月度结算"}, {"code": "违约", "内容": "按日万分之五计违约金"}],
        },
    )
    made += [first, second]
    return {"requests": len(made)}
