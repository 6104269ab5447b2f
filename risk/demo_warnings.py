"""Demo early warnings: the center's rules (strict enough that a few customers and districts trip them) —
each proposed by the Development Center's staff and approved by the director, the path every rule takes —,
one proposal (a stricter overdue-share threshold) waiting in the center's approval queue, one run as of
today, and the handling of a few warnings in 杭州 — one acknowledged, one with an action recorded, one closed
with its resolution — so the list, the overview, the worklist and the dashboard have something in each state.

Everything goes through the services. Idempotent: does nothing when any warning rule exists.
"""

from django.db import transaction
from django.utils import timezone

from approvals.services import request_approve
from core.rights import SYSTEM
from regions.models import StaffProfile
from risk import services
from risk.models import Warning, WarningRule

RULES = [
    # name, kind, threshold, window, severity, deadline (working days)
    ("逾期占比超过九成", "overdue_share", "0.9", None, "high", 3),
    ("信用额度使用率超过200%", "limit_utilisation", "2", None, "high", 3),
    ("连续180天无销售", "no_sales", "180", None, "medium", 5),
    ("回款延迟拉长30天以上", "delay_lengthening", "30", None, "medium", 5),
    ("信誉等级下降两级或降至C/D", "grade_fall", "2", 30, "high", 3),
    ("单一客户占地办应收六成以上", "concentration", "0.6", None, "low", 10),
    ("DSO较上月上升30天以上", "dso_rise", "30", 1, "medium", 5),
    ("销售达成落后时间进度25个百分点", "attainment_pace", "0.25", None, "medium", 5),
    # The channel-expansion targets (channels/demo_expansion.py) leave some districts behind by more than this.
    ("新增渠道落后拓展计划进度15个百分点", "channel_pace", "0.15", None, "medium", 5),
    # Customer visits (relations/demo_visits.py) leave some customers overdue by more than this.
    ("客户走访逾期超过30天", "visits_overdue", "30", None, "low", 5),
    # Complaints (relations/demo_complaints.py, loaded before this run by seed_demo): 杭州's wave of eight in the
    # last five days and its share of the others pass eight in a week; no other district gets there (of the other
    # complaints only nine are that recent, and 杭州's customers take the first of them).
    ("7天内投诉超过8件", "complaint_spike", "8", 7, "medium", 3),
]
REASON = "发展中心风险控制办法：按近一年回款与逾期情况设定。"
# The proposal left waiting: the first rule's threshold from 90 % down to 80 %.
WAITING = ("逾期占比超过八成", "0.8", "近三个月逾期客户增多，收紧逾期占比预警，提早介入催收。")


def _user(username):
    return StaffProfile.objects.select_related("user").get(user__username=username).user


@transaction.atomic
def load_demo_warnings(*, today=None):
    """Load the demo warning rules, run them and handle a few warnings; returns counts."""
    if WarningRule.objects.exists():
        return {"rules": 0, "warnings": 0}
    today = min(today or timezone.localdate(), timezone.localdate())
    center, director = _user("center"), _user("director")
    for name, kind, threshold, window, severity, days in RULES:
        change = services.warning_rule_propose(
            by=center,
            name=name,
            kind=kind,
            threshold=threshold,
            window=window,
            severity=severity,
            deadline_days=days,
            reason=REASON,
        )
        request_approve(request=services.warning_rule_change_submit(change=change, by=center), by=director)
    first = WarningRule.objects.get(name=RULES[0][0])
    name, threshold, reason = WAITING
    waiting = services.warning_rule_propose(
        by=center,
        rule=first,
        name=name,
        kind=first.kind,
        threshold=threshold,
        severity=first.severity,
        deadline_days=first.deadline_days,
        reason=reason,
    )
    services.warning_rule_change_submit(change=waiting, by=center)
    services.warnings_evaluate(as_of=today, by=SYSTEM)
    handled = list(Warning.objects.unscoped().filter(unit__code="330100").order_by("pk")[:3])
    if handled:
        services.warning_acknowledge(by=SYSTEM, warning=handled[0])
    if len(handled) > 1:
        services.warning_record_action(by=SYSTEM, warning=handled[1], action="已电话联系客户财务，约定本周内回款。")
    if len(handled) > 2:
        services.warning_close(by=SYSTEM, warning=handled[2], resolution="客户已付清逾期款项，信用额度恢复正常。")
    return {"rules": len(RULES), "warnings": Warning.objects.unscoped().count(), "proposals waiting": 1}
