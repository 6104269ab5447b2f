"""Demo channel-expansion targets (渠道拓展, issue 17): the year's new-channels targets, set by each region's
channel-expansion plan (kind channel_expansion, approved through the Development Center like the demo's marketing
plans) and decomposed through the plans services — the region's year to its provinces and months (the plan's
lines), each province's to its district offices by hand and to months, each district's to months and to its sales
staff — so the dashboard, the lists and the warning rule `channel_pace` read real targets.

The districts' targets are set against the channel archive's contracted transitions of the year so far (a channel
is new when it first reached `contracted`, channels.metrics): in turn a district ahead of the year's time pace
(杭州 among them) and one behind it by more than the demo warning rule's threshold (广州 among them; `BEHIND`), so
the early warnings include channel expansion behind plan. Early in the year nothing can be far behind yet: the
targets are then only a stretch. Idempotent: does nothing when a new-channels target of the year exists. After the
plans (the seasonal distribution) and the channel archive; before the early warnings.
"""

import calendar
import math
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from approvals.demo import approve_through
from channels.metrics import first_contracts
from channels.models import Channel
from core.rights import SYSTEM
from core.roles import Role
from plans import services
from plans.choices import Metric, SplitMethod
from plans.demo import SEASONAL, SEASONAL_NAME
from plans.models import SeasonalDistribution, Target
from regions.models import OrgUnit, StaffProfile

AHEAD, BEHIND = ("330100",), ("440100",)  # the logins' districts: one of each
THRESHOLD = Decimal("0.15")  # the demo warning rule's (risk/demo_warnings.py): behind the pace by 15 points


def pace_of(today):
    """The share of the year elapsed on `today` (as the warning rule counts it)."""
    days = 366 if calendar.isleap(today.year) else 365
    return Decimal(today.timetuple().tm_yday) / Decimal(days)


def district_target(signed, *, ahead, pace):
    """A district's year target of new channels given those `signed` so far: ahead of the pace (at least 10 points;
    none when it signed none), or behind it by more than THRESHOLD + 10 points where the year is far enough on."""
    if ahead:  # none signed yet: no expansion asked of it this year (it consolidates the channels it has)
        return max(1, math.floor(signed / min(Decimal(1), pace + Decimal("0.1")))) if signed else 0
    room = pace - THRESHOLD - Decimal("0.1")
    if room >= Decimal("0.2"):
        return max(signed + 2, math.floor(signed / room) + 1)
    return max(signed + 2, 3 * signed)


def district_targets(today):
    """{district: year target} for every district office holding channels, alternately ahead and behind."""
    start = date(today.year, 1, 1)
    signed = dict(
        first_contracts()
        .filter(on__range=(start, today))
        .values_list("channel__unit_id")
        .annotate(n=Count("pk"))
        .values_list("channel__unit_id", "n")
        .order_by()
    )
    units = OrgUnit.objects.filter(
        pk__in=Channel.objects.unscoped().values("unit_id"), is_active=True, parent__isnull=False
    ).order_by("code")
    pace = pace_of(today)
    targets = {}
    for n, unit in enumerate(units):
        ahead = unit.code in AHEAD or (unit.code not in BEHIND and n % 2 == 0)
        targets[unit] = district_target(signed.get(unit.pk, 0), ahead=ahead, pace=pace)
    return targets


def _regional_manager(region):
    return (
        StaffProfile.objects.filter(unit=region, role=Role.REGIONAL_MANAGER, is_active=True, user__isnull=False)
        .select_related("user")
        .order_by("pk")
        .first()
    )


def _current(unit, year):
    return Target.objects.get(metric=Metric.NEW_CHANNELS, period=str(year), unit=unit, staff__isnull=True, is_current=True)


@transaction.atomic
def load_demo_expansion(*, today=None):
    """Load the year's channel-expansion plans and new-channels targets as of `today`; returns counts."""
    counts = {"plans": 0, "districts": 0, "ahead": 0, "behind": 0}
    today = min(today or timezone.localdate(), timezone.localdate())
    year = today.year
    if Target.objects.filter(metric=Metric.NEW_CHANNELS, period=str(year)).exists():
        return counts
    if not SeasonalDistribution.objects.filter(name=SEASONAL_NAME, unit__isnull=True).exists():
        services.distribution_save(name=SEASONAL_NAME, kind="percentages", values=SEASONAL, by=SYSTEM)
    distribution = SeasonalDistribution.objects.get(name=SEASONAL_NAME, unit__isnull=True)
    targets = district_targets(today)
    provinces = defaultdict(dict)
    for district, value in targets.items():
        provinces[district.parent_id][district] = value
    province_units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=list(provinces))}
    regions = defaultdict(dict)
    for pk, districts in provinces.items():
        province = province_units[pk]
        if province.parent_id:
            regions[province.parent_id][province] = sum(districts.values())

    # 1. Each region's channel-expansion plan: its year, split to its provinces and months; approved by the center.
    for region in OrgUnit.objects.filter(pk__in=list(regions)).order_by("code"):
        manager = _regional_manager(region)
        if manager is None:
            continue
        by = manager.user
        total = sum(regions[region.pk].values())
        children = {str(child.pk): str(regions[region.pk].get(child, 0)) for child in region.children.filter(is_active=True)}
        plan = services.plan_create(
            kind="channel_expansion",
            unit=region,
            period=str(year),
            title=f"{year}年{region.name}渠道拓展计划",
            by=by,
            body=f"{region.name}{year}年新增合作渠道 {total} 家：银行、券商与保险代理并重，按地办分解到人。",
        )
        services.plan_lines_save(
            plan=plan,
            by=by,
            targets=[
                {"metric": Metric.NEW_CHANNELS, "value": str(total), "split_method": SplitMethod.MANUAL, "children": children}
            ],
            budget=[{"category": "渠道拓展", "amount": "150000.00"}],
        )
        services.plan_split_suggest(plan=plan, by=by, metric=Metric.NEW_CHANNELS, distribution=distribution)
        approve_through(services.plan_submit(plan=plan, by=by), comment="同意，准予备案")
        counts["plans"] += 1

        # 2. Down the tree: provinces to their districts (by hand) and months; districts to months and staff.
        for province in sorted(regions[region.pk], key=lambda unit: unit.code):
            target = _current(province, year)
            if not target.value:
                continue
            values = {
                str(child.pk): str(provinces[province.pk].get(child, 0)) for child in province.children.filter(is_active=True)
            }
            services.split_to_units(target=target, method=SplitMethod.MANUAL, values=values, by=SYSTEM, on_behalf_of=by)
            services.split_to_months(target=_current(province, year), distribution=distribution, by=SYSTEM)
            for district in sorted(provinces[province.pk], key=lambda unit: unit.code):
                target = _current(district, year)
                if not target.value:
                    continue
                services.split_to_months(target=target, distribution=distribution, by=SYSTEM)
                if StaffProfile.objects.filter(unit=district, role=Role.SALES_REP, is_active=True).exists():
                    services.split_to_staff(target=_current(district, year), method=SplitMethod.LAST_YEAR, by=SYSTEM)
                counts["districts"] += 1

    pace = pace_of(today)
    signed = dict(
        first_contracts()
        .filter(on__range=(date(year, 1, 1), today))
        .values_list("channel__unit_id")
        .annotate(n=Count("pk"))
        .values_list("channel__unit_id", "n")
        .order_by()
    )
    for district, value in targets.items():
        if not value:
            continue
        gap = pace - Decimal(signed.get(district.pk, 0)) / Decimal(value)
        counts["ahead"] += gap <= 0
        counts["behind"] += gap > THRESHOLD
    return counts
