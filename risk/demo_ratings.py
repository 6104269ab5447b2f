"""Demo credit ratings: the Development Center's two rating schemes (customers, sales staff), approved through
the approval mechanism, and the ratings of the last three month ends and of today — so the demo shows grades,
their reasons and how they moved (the changes between those days). Idempotent: does nothing when a scheme
exists."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from approvals.services import request_approve
from core.rights import SYSTEM
from regions.models import StaffProfile
from risk import services
from risk.choices import RatingSubject
from risk.models import RatingScheme

GRADES = [
    {"grade": "AAA", "from": "90", "to": "100"},
    {"grade": "AA", "from": "80", "to": "90"},
    {"grade": "A", "from": "70", "to": "80"},
    {"grade": "B", "from": "60", "to": "70"},
    {"grade": "C", "from": "40", "to": "60"},
    {"grade": "D", "from": "0", "to": "40"},
]
CUSTOMER_FACTORS = [
    {
        "factor": "overdue_share",
        "weight": "25",
        "bands": [
            {"from": "0", "score": "100"},
            {"from": "0.1", "score": "80"},
            {"from": "0.3", "score": "50"},
            {"from": "0.6", "score": "0"},
        ],
    },
    {
        "factor": "days_beyond_terms",
        "weight": "15",
        "bands": [
            {"from": "0", "score": "100"},
            {"from": "30", "score": "70"},
            {"from": "90", "score": "30"},
            {"from": "180", "score": "0"},
        ],
    },
    {
        "factor": "oldest_overdue",
        "weight": "20",
        "bands": [
            {"from": "0", "score": "100"},
            {"from": "31", "score": "70"},
            {"from": "91", "score": "30"},
            {"from": "181", "score": "0"},
        ],
    },
    {
        "factor": "delay_trend",
        "weight": "15",
        "bands": [{"from": "-10000", "score": "100"}, {"from": "5", "score": "60"}, {"from": "20", "score": "20"}],
        "if_missing": "70",
    },
    {
        "factor": "limit_utilisation",
        "weight": "15",
        "bands": [{"from": "0", "score": "100"}, {"from": "0.8", "score": "60"}, {"from": "1", "score": "0"}],
        "if_missing": "80",
    },
    {
        "factor": "tenure",
        "weight": "10",
        "bands": [{"from": "0", "score": "40"}, {"from": "12", "score": "70"}, {"from": "36", "score": "100"}],
        "if_missing": "40",
    },
]
STAFF_FACTORS = [
    {
        "factor": "customers_overdue_share",
        "weight": "35",
        "bands": [{"from": "0", "score": "100"}, {"from": "0.15", "score": "70"}, {"from": "0.3", "score": "30"}],
    },
    {
        "factor": "collection_attainment",
        "weight": "35",
        "bands": [
            {"from": "0", "score": "0"},
            {"from": "0.6", "score": "50"},
            {"from": "0.9", "score": "80"},
            {"from": "1", "score": "100"},
        ],
        "if_missing": "60",
    },
    {
        "factor": "appraisal_score",
        "weight": "15",
        "bands": [
            {"from": "0", "score": "0"},
            {"from": "60", "score": "60"},
            {"from": "80", "score": "90"},
            {"from": "90", "score": "100"},
        ],
        "if_missing": "60",
    },
    {
        "factor": "task_timeliness",
        "weight": "15",
        "bands": [{"from": "0", "score": "20"}, {"from": "0.7", "score": "70"}, {"from": "0.9", "score": "100"}],
        "if_missing": "80",
    },
]
DESCRIPTION = "经发展中心审核批准后执行：各因素权重合计 100 分，按分档计分，总分对应信誉等级；每晚自动评级。"


def _user(username):
    return StaffProfile.objects.select_related("user").get(user__username=username).user


@transaction.atomic
def load_demo_ratings(*, today=None):
    """Load the demo rating schemes and ratings; returns counts."""
    if RatingScheme.objects.exists():
        return {"schemes": 0}
    center, director = _user("center"), _user("director")
    for subject, name, factors in (
        (RatingSubject.CUSTOMER, "客户信誉评级办法", CUSTOMER_FACTORS),
        (RatingSubject.STAFF, "销售人员信誉评级办法", STAFF_FACTORS),
    ):
        scheme = services.scheme_create(
            subject=subject, name=name, factors=factors, grades=GRADES, by=center, description=DESCRIPTION
        )
        request_approve(request=services.scheme_submit(scheme=scheme, by=center), by=director)
    today = today or timezone.localdate()
    days = []
    # The last three month ends, oldest first, then today: the changes between them are the demo's history.
    month_end = today.replace(day=1)
    for _ in range(3):
        month_end = month_end - timedelta(days=1)
        days.insert(0, month_end)
        month_end = month_end.replace(day=1)
    days.append(today)
    changed = 0
    for day in days:
        for subject in RatingSubject:
            result = services.rate(subject=subject, as_of=day, by=SYSTEM)
            changed += result["changed"] if result else 0
    return {"schemes": 2, "rating days": len(days), "grade changes": changed}
