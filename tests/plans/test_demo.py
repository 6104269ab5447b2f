from datetime import date, datetime, time

import pytest
import time_machine
from django.utils import timezone

from approvals.choices import RequestState
from approvals.models import ApprovalRequest
from plans.choices import PlanState
from plans.demo import load_demo_plans
from plans.models import Plan, Target
from plans.services import check_decomposition
from regions.demo import load_demo_company
from regions.models import OrgUnit

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 27)


# The demo dates its plans from `today` and its approval requests from the clock (submitted_at, due_at): both
# are pinned to the same day, so the test passes on any real date.
@time_machine.travel(datetime(2026, 11, 27, 10, 0, tzinfo=timezone.get_fixed_timezone(8 * 60)), tick=True)
def test_demo_plans_are_approved_waiting_returned_and_idempotent():
    load_demo_company(reps_per_district=1)
    counts = load_demo_plans(today=TODAY)
    regions = OrgUnit.objects.filter(kind="region", is_active=True)
    assert counts["approved"] == regions.count() > 0
    assert counts["waiting"] >= 5 and counts["overdue"] == 2 and counts["returned"] == 1 and counts["work_plans"] == 2
    for region in regions:
        plan = Plan.objects.get(unit=region, kind="marketing", period="2026")
        assert plan.state == PlanState.APPROVED
        target = Target.objects.get(unit=region, metric="sales_amount", period="2026", is_current=True)
        assert check_decomposition(target=target) == []
        assert target.children.filter(period="2026").count() == region.children.filter(is_active=True).count()
    assert Plan.objects.filter(state=PlanState.RETURNED).count() == 1
    overdue = ApprovalRequest.objects.filter(
        state=RequestState.SUBMITTED, due_at__lt=timezone.make_aware(datetime.combine(TODAY, time.min))
    )
    assert overdue.count() >= 1
    assert load_demo_plans(today=TODAY)["created"] == 0
    assert Plan.objects.count() == counts["created"]


@time_machine.travel(datetime(2027, 2, 10, 10, 0, tzinfo=timezone.get_fixed_timezone(8 * 60)), tick=True)
def test_early_in_the_year_the_demo_also_sets_last_years_targets_at_every_level():
    # The demo's reports and appraisal read the last three months and the last quarter: in February those
    # are last year's, so every unit and salesperson has them too.
    load_demo_company(reps_per_district=1)
    counts = load_demo_plans(today=date(2027, 2, 10))
    assert counts["targets"] > 0
    hangzhou = OrgUnit.objects.get(code="330100")
    rep = hangzhou.staff.filter(role="sales_rep", is_active=True).first()
    for period in ("2026-11", "2026-Q4", "2027-02"):
        for owner in ({"unit": OrgUnit.objects.get(kind="center")}, {"unit": hangzhou}, {"staff": rep}):
            assert Target.objects.filter(metric="sales_amount", period=period, is_current=True, **owner).exists(), (period, owner)
    district_months = Target.objects.filter(
        metric="sales_amount", period="2026-11", is_current=True, unit__parent=hangzhou.parent
    )
    province = Target.objects.get(metric="sales_amount", period="2026-11", is_current=True, unit=hangzhou.parent)
    assert sum(t.value for t in district_months) == province.value
