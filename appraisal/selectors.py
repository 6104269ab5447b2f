"""Reads of appraisal and incentives: a run's scores as the reader may see them, the approval request
of a scheme or proposal, and the suggested incentives of a period (from the monthly summaries)."""

from decimal import Decimal

from django.db.models import Prefetch, Sum

from appraisal.choices import IncentiveSubject
from appraisal.models import AppraisalScore, ScoreItem
from appraisal.scoring import HUNDRED, rate_of
from core.money import money
from core.periods import Period
from core.roles import Role
from performance.models import MonthlyFact
from plans.choices import Metric
from plans.models import Target
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile


def run_scores(*, user, run):
    """The scores of a run the user may read (their scope; a salesperson their own), best first, each with
    its items — three queries whatever the number of people."""
    items = Prefetch("items", queryset=ScoreItem.objects.select_related("item").order_by("item__order", "item_id"))
    return (
        AppraisalScore.objects.for_user(user)
        .filter(run=run)
        .select_related("staff", "unit", "peer_unit")
        .prefetch_related(items)
        .order_by("rank_company", "staff__employee_no")
    )


def _pick(thresholds, value, attr):
    """The last of rows sorted by `attr` whose threshold `value` reaches (None below the first)."""
    chosen = None
    for row in thresholds:
        if value is not None and value >= getattr(row, attr):
            chosen = row
    return chosen


def suggested_incentives(*, scheme, period, unit):
    """Per district office (or salesperson) inside `unit`: last year's sales and the scale class they put it
    in, the period's sales target, actual and attainment, the tier reached and the suggested bonus
    (bonus rate × the period's sales + the fixed amount). A fixed number of queries.

    Returns a list of dicts, biggest bonus first; rows without a target get no tier and no bonus."""
    period = Period.parse(period)
    classes = list(scheme.classes.prefetch_related("tiers").order_by("min_sales"))
    last_year = Period("year", period.year - 1)
    facts = MonthlyFact.objects.unscoped().filter(district__path__startswith=unit.path)
    targets = Target.objects.filter(
        is_current=True, period=str(period), metric=Metric.SALES_AMOUNT, owner_unit__path__startswith=unit.path
    )
    if scheme.subject == IncentiveSubject.DISTRICT:
        subjects = [
            {"id": u.pk, "code": u.code, "name": u.name, "unit": u}
            for u in OrgUnit.objects.filter(kind=UnitKind.DISTRICT, is_active=True, path__startswith=unit.path).order_by("code")
        ]
        key, target_key = "district_id", "unit_id"
        targets = targets.filter(unit__isnull=False)
    else:
        subjects = [
            {"id": s.pk, "code": s.employee_no, "name": s.name, "unit": s.unit}
            for s in StaffProfile.objects.filter(role=Role.SALES_REP, is_active=True, unit__path__startswith=unit.path)
            .select_related("unit")
            .order_by("employee_no")
        ]
        key, target_key = "salesperson_id", "staff_id"
        targets = targets.filter(staff__isnull=False)

    def grouped(p):
        rows = facts.filter(month__range=(p.start, p.months()[-1].start)).values(key).annotate(v=Sum("invoiced")).order_by()
        return {row[key]: money(row["v"] or 0) for row in rows}

    before, now = grouped(last_year), grouped(period)
    target_of = {getattr(t, target_key): t.value for t in targets.only("value", "unit_id", "staff_id")}
    rows = []
    for subject in subjects:
        base = before.get(subject["id"], Decimal("0.00"))
        sales = now.get(subject["id"], Decimal("0.00"))
        target = target_of.get(subject["id"])
        rate = rate_of(sales, target)
        scale = _pick(classes, base, "min_sales")
        tier = _pick(list(scale.tiers.all()), rate * HUNDRED if rate is not None else None, "min_attainment") if scale else None
        bonus = Decimal("0.00")
        if tier is not None:
            bonus = money(sales * tier.bonus_rate / HUNDRED) + tier.fixed_amount
        rows.append(
            {
                **subject,
                "last_year_sales": base,
                "scale_class": scale,
                "target": target,
                "sales": sales,
                "rate": rate,
                "tier": tier,
                "bonus": bonus,
            }
        )
    rows.sort(key=lambda row: (-row["bonus"], row["code"]))
    return rows
