"""Demo plans for the current year, written through the services and decided through approvals:

- every region's annual marketing plan, approved by the Development Center: sales, collection and
  new-customer targets split to the provinces (by last year's actuals) and to months (by the company's
  seasonal distribution), so the Targets exist as approved versions;
- the rest of the tree decomposed from them (`_cascade`): the company's targets are its regions' summed,
  and every province, district office and salesperson has a year, quarter and month target of each of
  those metrics; at every level the children's month targets add up to their parent's month target, and
  each owner's months to its quarters and year — the dashboard of any unit reads the targets of its month
  and year and of its children's. When today is in the first quarter, the previous year is covered too
  (the demo's reports and appraisal read the last three months and the last quarter);
- the provinces' and 广州's own marketing plans (below) write down exactly what that decomposition set,
  so approving them agrees with every other period's targets and changes no figure;
- plans waiting in the queue: Zhejiang's and Guangdong's marketing plans at their regional managers
  (Zhejiang's submitted more than its SLA ago — see below), two regions' plans at the center (East China's
  overdue), a district's work plan waiting for the provincial manager;
- a plan returned for revision with the reviewer's comment (广州's marketing plan);
- approved work plans of a district and of a salesperson (their actions became tasks).

Backdating: approvals.services.request_submit stamps `now` itself (it takes no clock), so the demo submits
normally and then moves that request's submitted_at / due_at (and its submit event's time, and the plan's
submitted_at) back by whole days — only the demo does this, to show overdue items in the queue.
Idempotent: nothing happens when the first region's plan of the year exists.
"""

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from approvals import services as approvals
from approvals.models import ApprovalEvent, ApprovalRequest
from core.errors import Unprocessable
from core.money import allocate
from core.periods import Period
from core.rights import SYSTEM
from core.roles import Role
from customers.choices import InvoiceStatus
from customers.models import COLLECTED, Allocation, Invoice
from plans import selectors, services
from plans.choices import COUNT_METRICS, SplitMethod
from plans.models import Plan, SeasonalDistribution, Target
from plans.selectors import actual
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile

SEASONAL_NAME = "标准季节分布（营销）"
SEASONAL = ["6.00", "6.00", "8.00", "8.00", "8.00", "9.00", "8.00", "8.00", "9.00", "9.00", "10.00", "11.00"]
DEFAULT_TARGETS = {"sales_amount": Decimal("30000000.00"), "collections": Decimal("25000000.00"), "new_customers": Decimal("60")}
GROWTH = Decimal("1.12")
# Targets are rounded up to 10,000 yuan; counts to a whole customer.
STEPS = {"sales_amount": Decimal("10000"), "collections": Decimal("10000"), "new_customers": Decimal("1")}


def _users():
    User = get_user_model()
    return {u.username: u for u in User.objects.select_related("staff_profile__unit").filter(staff_profile__isnull=False)}


def _regional_manager(region):
    return (
        StaffProfile.objects.filter(unit=region, role=Role.REGIONAL_MANAGER, is_active=True, user__isnull=False)
        .select_related("user")
        .order_by("pk")
        .first()
    )


def _rounded_target(metric, unit, year):
    try:
        last = actual(metric=metric, period=str(year - 1), unit=unit)
    except Unprocessable:
        last = Decimal(0)
    if not last:
        return DEFAULT_TARGETS[metric]
    step = STEPS[metric]
    return ((last * GROWTH) / step).to_integral_value(rounding=ROUND_CEILING) * step


def _backdate(request, plan, *, days):
    """Move a just-submitted request `days` back in time (see the module docstring)."""
    submitted_at = request.submitted_at - timedelta(days=days)
    due_at = approvals.due_at_for(kind=request.kind, submitted_at=submitted_at)
    ApprovalRequest.objects.filter(pk=request.pk).update(submitted_at=submitted_at, due_at=due_at)
    ApprovalEvent.objects.filter(request=request, action="submit").update(at=submitted_at)
    Plan.objects.filter(pk=plan.pk).update(submitted_at=submitted_at)


def _marketing_plan(*, unit, by, year, title, body, budget, action_owner=None, due_on=None):
    plan = services.plan_create(kind="marketing", unit=unit, period=str(year), title=title, by=by, body=body)
    targets = [{"metric": metric, "value": str(_rounded_target(metric, unit, year))} for metric in DEFAULT_TARGETS]
    actions = []
    if action_owner is not None:
        actions.append({"what": f"组织{unit.name}季度经营分析会", "owner": action_owner.pk, "due_on": due_on.isoformat()})
    services.plan_lines_save(plan=plan, by=by, targets=targets, actions=actions, budget=budget)
    distribution = SeasonalDistribution.objects.get(name=SEASONAL_NAME, unit__isnull=True)
    _kind, children = selectors.child_split_columns(plan)
    for row in targets:
        services.plan_split_suggest(
            plan=plan,
            by=by,
            metric=row["metric"],
            method="last_year" if children else None,
            distribution=distribution,
        )
    return plan


def _plan_as_set(*, unit, by, year, title, body, budget, distribution):
    """A marketing plan of a province or district that writes down the targets the tree holds for it
    (`_lines_as_set`): what its manager submits after the region's plan was decomposed."""
    plan = services.plan_create(kind="marketing", unit=unit, period=str(year), title=title, by=by, body=body)
    services.plan_lines_save(plan=plan, by=by, targets=_lines_as_set(unit, year, distribution), budget=budget)
    return plan


def _work_plan(*, unit, by, period, title, body, actions):
    plan = services.plan_create(kind="work", unit=unit, period=period, title=title, by=by, body=body)
    services.plan_lines_save(plan=plan, by=by, actions=actions)
    return plan


# --- the rest of the tree -------------------------------------------------------------------------
def _current(metric, period, *, unit=None, staff=None):
    owner = {"staff": staff} if staff is not None else {"unit": unit, "staff__isnull": True}
    return Target.objects.filter(metric=metric, period=str(period), is_current=True, **owner).first()


def target_grid(row_totals, column_totals, quantum):
    """Whole multiples of `quantum` in a rows × columns grid whose rows add up to `row_totals` and columns
    to `column_totals` exactly (the two totals are equal), never negative: each cell is its proportional
    share rounded down, and the few quanta left over (fewer than the number of columns in a row, of rows in
    a column) are placed corner to corner. A child's months then add up to its year and the children's
    months to their parent's month — which a separate rounding of each child's year could not promise."""
    rows = [int(value / quantum) for value in row_totals]
    columns = [int(value / quantum) for value in column_totals]
    total = sum(rows)
    if total != sum(columns):
        raise ValueError("The rows and the columns must add up to the same total.")
    cells = [[(row * column) // total if total else 0 for column in columns] for row in rows]
    left_rows = [row - sum(cells[i]) for i, row in enumerate(rows)]
    left_columns = [column - sum(cells[i][j] for i in range(len(rows))) for j, column in enumerate(columns)]
    i = j = 0
    while i < len(rows) and j < len(columns):
        step = min(left_rows[i], left_columns[j])
        cells[i][j] += step
        left_rows[i] -= step
        left_columns[j] -= step
        if left_rows[i] == 0:
            i += 1
        else:
            j += 1
    return [[quantum * cell for cell in row] for row in cells]


def _last_year_actuals(year):
    """{metric: ({district id: actual}, {salesperson id: actual})} of `year`, three grouped queries with the
    definitions of plans.selectors (sales, collections, first invoices)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    sources = {
        "sales_amount": Invoice.objects.unscoped()
        .filter(issue_date__range=(start, end))
        .exclude(status=InvoiceStatus.CANCELLED)
        .values_list("district_id", "salesperson_id")
        .annotate(v=Sum("amount")),
        "collections": Allocation.objects.unscoped()
        .filter(COLLECTED, allocated_on__range=(start, end), reversed_on__isnull=True)
        .values_list("invoice__district_id", "invoice__salesperson_id")
        .annotate(v=Sum("amount")),
        "new_customers": selectors.first_invoices()
        .filter(issue_date__range=(start, end))
        .values_list("district_id", "salesperson_id")
        .annotate(v=Count("pk")),
    }
    result = {}
    for metric, rows in sources.items():
        by_district, by_staff = defaultdict(Decimal), defaultdict(Decimal)
        for district, staff, value in rows.order_by():
            by_district[district] += Decimal(value or 0)
            if staff is not None:
                by_staff[staff] += Decimal(value or 0)
        result[metric] = (by_district, by_staff)
    return result


class _Tree:
    """The active org tree and sales staff, read once."""

    def __init__(self):
        self.units = list(OrgUnit.objects.filter(is_active=True).order_by("code"))
        self.children = defaultdict(list)
        for unit in self.units:
            self.children[unit.parent_id].append(unit)
        self.staff = defaultdict(list)
        for person in StaffProfile.objects.filter(role=Role.SALES_REP, is_active=True).order_by("employee_no"):
            self.staff[person.unit_id].append(person)
        self.districts = [u for u in self.units if u.kind == UnitKind.DISTRICT]

    def below(self, unit):
        """("staff", people) of a district, ("unit", sub-units) above — as selectors.child_candidates."""
        if unit.kind == UnitKind.DISTRICT:
            return "staff", self.staff.get(unit.pk, [])
        return "unit", self.children.get(unit.pk, [])

    def actual(self, actuals, kind, child):
        """A child's actual of last year: a salesperson's own, a unit's over the districts of its subtree."""
        by_district, by_staff = actuals
        if kind == "staff":
            return by_staff.get(child.pk, Decimal(0))
        return sum((by_district.get(d.pk, Decimal(0)) for d in self.districts if d.path.startswith(child.path)), Decimal(0))


def _cascade(*, year, distribution, set_regions=False):
    """Targets for every province, district office and salesperson below each region with a year target
    (see the module docstring), computed here and written in bulk as first versions: exactly the rows
    plans.services.split_to_units / split_to_staff (by last year's actuals, the one rounding rule
    `core.money.allocate`) and split_to_months (with values) would write, without ~40,000 separate service
    calls (minutes instead of seconds). The regions' own targets come from their approved plans through
    the services; `set_regions` sets them (last year's actuals × 1.12) for a year without plans. Returns
    the number of targets written."""
    tree = _Tree()
    actuals = _last_year_actuals(year - 1)
    months = [str(month) for month in Period.parse(str(year)).months()]
    quarters = Period.parse(str(year)).children()
    written = 0
    for metric in DEFAULT_TARGETS:
        places = 0 if metric in COUNT_METRICS else 2
        quantum = Decimal(1).scaleb(-places)
        # (owner, year Target, {month: value}) of the level being split; starts with the regions.
        level = []
        for region in (u for u in tree.units if u.kind == UnitKind.REGION):
            if set_regions and _current(metric, year, unit=region) is None:
                services.target_set(
                    metric=metric, period=str(year), unit=region, value=_rounded_target(metric, region, year), by=SYSTEM
                )
                written += 1
            year_target = _current(metric, year, unit=region)
            if year_target is None:
                continue
            if _current(metric, months[0], unit=region) is None:
                services.split_to_months(target=year_target, distribution=distribution, by=SYSTEM)
                written += len(months)
            values = {m: _current(metric, m, unit=region).value for m in months}
            rows = [_quarter_row(metric, q, values, unit=region) for q in quarters]
            Target.objects.bulk_create(rows)
            written += len(rows)
            level.append((region, year_target, values))
        written += _company_targets(tree, metric, year, level, quarters)
        while level:
            next_level, years, month_rows = [], [], []
            for unit, year_target, values in level:
                kind, children = tree.below(unit)
                if not children:
                    continue
                existing = [_current(metric, year, **_owner(kind, child)) for child in children]
                if all(existing) and sum(t.value for t in existing) == year_target.value:
                    child_years = existing  # the region's plan split its year to its provinces
                else:
                    weights = [tree.actual(actuals[metric], kind, child) for child in children]
                    if not any(weights):
                        weights = [Decimal(1)] * len(children)
                    parts = allocate(year_target.value, weights, places=places)
                    child_years = [
                        Target(
                            metric=metric,
                            period=str(year),
                            owner_unit_id=child.unit_id if kind == "staff" else child.pk,
                            value=part,
                            parent=year_target,
                            split_method=SplitMethod.LAST_YEAR,
                            **_owner(kind, child),
                        )
                        for child, part in zip(children, parts, strict=True)
                    ]
                    years.extend(child_years)
                grid = target_grid([t.value for t in child_years], [values[m] for m in months], quantum)
                for child, target, row in zip(children, child_years, grid, strict=True):
                    child_values = dict(zip(months, row, strict=True))
                    month_rows.append((kind, child, target, child_values))
                    if kind == "unit":
                        next_level.append((child, target, child_values))
            Target.objects.bulk_create(years, batch_size=500)  # now the months can point at them
            rows = []
            for kind, child, target, child_values in month_rows:
                owner = _owner(kind, child)
                owner_unit_id = child.unit_id if kind == "staff" else child.pk
                rows.extend(
                    Target(
                        metric=metric,
                        period=m,
                        owner_unit_id=owner_unit_id,
                        value=child_values[m],
                        parent=target,
                        split_method=SplitMethod.SEASONAL,
                        distribution=distribution,
                        **owner,
                    )
                    for m in months
                )
                rows.extend(_quarter_row(metric, q, child_values, **owner) for q in quarters)
            Target.objects.bulk_create(rows, batch_size=500)
            written += len(years) + len(rows)
            level = next_level
    return written


def _company_targets(tree, metric, year, regions, quarters):
    """The company's (the Development Center's) targets: the sum of its regions' — year, quarters and months
    — so the director's dashboard has a target to measure the company against. Written once."""
    center = next((u for u in tree.units if u.kind == UnitKind.CENTER), None)
    if center is None or not regions or _current(metric, year, unit=center) is not None:
        return 0
    months = {m: sum((values[m] for _r, _t, values in regions), Decimal(0)) for m in regions[0][2]}
    rows = [Target(metric=metric, period=str(year), unit=center, owner_unit_id=center.pk, value=sum(months.values(), Decimal(0)))]
    rows += [Target(metric=metric, period=m, unit=center, owner_unit_id=center.pk, value=v) for m, v in months.items()]
    rows += [_quarter_row(metric, q, months, unit=center) for q in quarters]
    Target.objects.bulk_create(rows)
    return len(rows)


def _quarter_row(metric, quarter, month_values, *, unit=None, staff=None):
    """A quarter's target = the sum of its months (a year equals its quarters equals its months)."""
    value = sum((month_values[str(month)] for month in quarter.months()), Decimal(0))
    owner_unit_id = staff.unit_id if staff is not None else unit.pk
    return Target(metric=metric, period=str(quarter), unit=unit, staff=staff, owner_unit_id=owner_unit_id, value=value)


def _owner(kind, child):
    return {"staff": child} if kind == "staff" else {"unit": child}


def _children(unit):
    return selectors.child_candidates(unit)


def _lines_as_set(unit, year, distribution):
    """A plan's target lines that say what the tree already holds for `unit`'s year: its year target of each
    metric, its children's year targets and its months — so submitting and approving it agrees with every
    other period's targets (the plan rules check that) and changes no figure."""
    kind, children = _children(unit)
    rows = []
    for metric in DEFAULT_TARGETS:
        target = _current(metric, year, unit=unit)
        if target is None:
            continue
        months = {str(month): str(_current(metric, month, unit=unit).value) for month in Period.parse(str(year)).months()}
        kids = {str(child.pk): str(_current(metric, year, **_owner(kind, child)).value) for child in children}
        rows.append(
            {
                "metric": metric,
                "value": str(target.value),
                "split_method": "last_year",
                "distribution": distribution.pk,
                "children": kids,
                "months": months,
            }
        )
    return rows


@transaction.atomic
def load_demo_plans(*, today=None):
    """Load the demo plans of `today`'s year (default: today); returns counts. Idempotent."""
    today = today or timezone.localdate()
    year = today.year
    counts = {"approved": 0, "waiting": 0, "overdue": 0, "returned": 0, "work_plans": 0, "created": 0, "targets": 0}
    regions = list(OrgUnit.objects.filter(kind="region", is_active=True).order_by("code"))
    if not regions or Plan.objects.filter(unit=regions[0], kind="marketing", period=str(year)).exists():
        return counts
    users = _users()
    center = users.get("center")
    if center is None:
        return counts
    if not SeasonalDistribution.objects.filter(name=SEASONAL_NAME, unit__isnull=True).exists():
        services.distribution_save(name=SEASONAL_NAME, kind="percentages", values=SEASONAL, by=SYSTEM)
    quarter_end = date(year, min(12, ((today.month - 1) // 3 + 1) * 3), 28)

    # 1. Every region's annual marketing plan, approved by the center.
    for region in regions:
        manager = _regional_manager(region)
        if manager is None:
            continue
        plan = _marketing_plan(
            unit=region,
            by=manager.user,
            year=year,
            title=f"{year}年{region.name}营销计划",
            body=f"{region.name}{year}年营销计划：巩固重点客户，拓展新渠道，回款与销售同步增长。",
            budget=[{"category": "市场推广", "amount": "200000.00"}, {"category": "客户活动", "amount": "80000.00"}],
            action_owner=manager,
            due_on=quarter_end,
        )
        request = services.plan_submit(plan=plan, by=manager.user)
        approvals.request_approve(request=request, by=center, comment="同意，按计划执行。")
        counts["approved"] += 1
        counts["created"] += 1

    # The rest of the tree, from the regions' approved targets down to every salesperson (and, early in
    # the year, last year's too: the demo's reports and appraisal read the last three months).
    distribution = SeasonalDistribution.objects.get(name=SEASONAL_NAME, unit__isnull=True)
    counts["targets"] = _cascade(year=year, distribution=distribution)
    if today.month <= 3:
        counts["targets"] += _cascade(year=year - 1, distribution=distribution, set_regions=True)

    # 2. Waiting in the queue: provinces' marketing plans (Zhejiang's past its SLA) → the regional manager.
    for username, code, days in (("pm_zhejiang", "330000", 12), ("pm_guangdong", "440000", 0)):
        user = users.get(username)
        if user is None:
            continue
        unit = OrgUnit.objects.get(code=code)
        plan = _plan_as_set(
            unit=unit,
            by=user,
            year=year,
            title=f"{year}年{unit.name}营销计划",
            body=f"{unit.name}按大区目标分解到各地办，重点抓回款。",
            budget=[{"category": "市场推广", "amount": "60000.00"}],
            distribution=distribution,
        )
        request = services.plan_submit(plan=plan, by=user)
        if days:
            _backdate(request, plan, days=days)
            counts["overdue"] += 1
        counts["waiting"] += 1
        counts["created"] += 1

    # Waiting for the center: regions' channel-expansion and promotion plans (the first past its SLA).
    for username, kind, title, days in (
        ("rm_east", "channel_expansion", "渠道拓展规划", 9),
        ("rm_south", "promotion", "年末推广方案", 0),
    ):
        user = users.get(username)
        if user is None:
            continue
        unit = user.staff_profile.unit
        plan = services.plan_create(
            kind=kind,
            unit=unit,
            period=f"{year}-Q{(today.month - 1) // 3 + 1}",
            title=f"{unit.name}{title}",
            by=user,
            body=f"{unit.name}{title}：新增合作渠道，配套市场活动。",
        )
        services.plan_lines_save(plan=plan, by=user, budget=[{"category": "渠道活动", "amount": "120000.00"}])
        request = services.plan_submit(plan=plan, by=user)
        if days:
            _backdate(request, plan, days=days)
            counts["overdue"] += 1
        counts["waiting"] += 1
        counts["created"] += 1

    # 3. Returned for revision: 广州's marketing plan, returned by the regional manager with a comment.
    dm_guangzhou, rm_south = users.get("dm_guangzhou"), users.get("rm_south")
    if dm_guangzhou is not None and rm_south is not None:
        unit = dm_guangzhou.staff_profile.unit
        plan = _plan_as_set(
            unit=unit,
            by=dm_guangzhou,
            year=year,
            title=f"{year}年{unit.name}营销计划",
            body="广州地办全年营销计划。",
            budget=[{"category": "市场推广", "amount": "30000.00"}],
            distribution=distribution,
        )
        request = services.plan_submit(plan=plan, by=dm_guangzhou)
        _backdate(request, plan, days=3)
        approvals.request_return(request=request, by=rm_south, comment="回款目标偏低，请按去年同期增长 15% 重新分解。")
        counts["returned"] += 1
        counts["created"] += 1

    # 4. Work plans: a salesperson's (approved by the district manager), a district's (waiting).
    month = f"{year}-{today.month:02d}"
    rep, dm = users.get("rep_hangzhou"), users.get("dm_hangzhou")
    if rep is not None and dm is not None:
        plan = _work_plan(
            unit=rep.staff_profile.unit,
            by=rep,
            period=month,
            title=f"{month} 个人工作计划",
            body="本月拜访客户 20 家，完成回款计划。",
            actions=[
                {"what": "拜访重点客户 10 家", "owner": rep.staff_profile.pk, "due_on": (today + timedelta(days=10)).isoformat()},
                {"what": "跟进逾期账款催收", "owner": rep.staff_profile.pk, "due_on": (today + timedelta(days=5)).isoformat()},
            ],
        )
        request = services.plan_submit(plan=plan, by=rep)
        approvals.request_approve(request=request, by=dm, comment="同意")
        counts["work_plans"] += 1
        plan = _work_plan(
            unit=dm.staff_profile.unit,
            by=dm,
            period=month,
            title=f"{month} 杭州地办工作计划",
            body="组织业务员培训；完成季度回款目标。",
            actions=[
                {"what": "组织业务员产品培训", "owner": dm.staff_profile.pk, "due_on": (today + timedelta(days=14)).isoformat()}
            ],
        )
        request = services.plan_submit(plan=plan, by=dm)
        _backdate(request, plan, days=1)
        counts["work_plans"] += 1
        counts["waiting"] += 1
        counts["created"] += 2
    return counts
