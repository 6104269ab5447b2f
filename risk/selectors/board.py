"""Reads of the Development Center's company-wide risk board (风险看板): open warnings by region × rule × age,
the grade distribution of customers per region, and who may read the board at all.

Every figure is one grouped query over the rows the reader may read (`for_user`), grouped by the region a row
sits in: the region's path is the prefix of the row's unit path up to its second level (`/1/3/12/45/` →
`/1/3/`), cut in the database — no query per region, so the number of queries does not grow with the regions.
"""

from datetime import timedelta

from django.db.models import Case, CharField, Count, F, Q, Sum, Value, When
from django.db.models.functions import StrIndex, Substr
from django.utils.translation import gettext_lazy as _

from core.roles import Role, role_of
from core.scoping import scope_of
from regions.choices import UnitKind
from regions.models import OrgUnit
from risk.choices import GRADES, WARNING_OPEN_STATES, RatingSubject
from risk.models import GradeCount, Warning

# The age of an open warning (as of a day − the day it opened), in days: (code, label, first day, last day);
# the last bucket has no end. The board's columns and the warning list's `age` filter both read this.
AGE_BUCKETS = (
    ("0-3", _("0–3 days"), 0, 3),
    ("4-7", _("4–7 days"), 4, 7),
    ("8-14", _("8–14 days"), 8, 14),
    ("15-30", _("15–30 days"), 15, 30),
    ("over-30", _("over 30 days"), 31, None),
)
AGE_CHOICES = [(code, label) for code, label, _first, _last in AGE_BUCKETS]

# The principals that read the whole company's board: the Development Center's own roles.
BOARD_ROLES = (Role.DIRECTOR, Role.CENTER_STAFF)


def reads_board(user):
    """True if `user` is a principal of the Development Center (a director or center staff reading the whole
    company); everyone else is outside the board's scope."""
    return role_of(user) in BOARD_ROLES and scope_of(user).everything


def age_q(code, as_of, field="opened_on"):
    """The rows whose age as of `as_of` falls in the bucket `code` (one of AGE_BUCKETS). A warning opened after
    `as_of` (none should be) counts as 0 days old, as on the board."""
    for bucket, _label, first, last in AGE_BUCKETS:
        if bucket == code:
            q = Q() if first == 0 else Q(**{f"{field}__lte": as_of - timedelta(days=first)})
            if last is not None:
                q &= Q(**{f"{field}__gte": as_of - timedelta(days=last)})
            return q
    raise ValueError(f"unknown age bucket {code!r}")


def _age_case(as_of, field="opened_on"):
    """The bucket code of a row's age, in the database: the first bucket whose last day the age does not pass."""
    whens = [
        When(**{f"{field}__gte": as_of - timedelta(days=last)}, then=Value(code))
        for code, _label, _first, last in AGE_BUCKETS
        if last is not None
    ]
    return Case(*whens, default=Value(AGE_BUCKETS[-1][0]), output_field=CharField())


def region_prefix(path_lookup, center_path):
    """The path of the region a row sits in, from the row's unit path (`path_lookup`): the center's path (the
    same for every unit) and the next segment with its separator. A row on the center itself gets the center's
    path."""
    start = len(center_path)
    rest = Substr(F(path_lookup), start + 1)
    return Substr(F(path_lookup), 1, StrIndex(rest, Value("/")) + start, output_field=CharField())


def board_regions(user):
    """The regions the user reads (for the center: every region, active and closed, by code) and the center's
    path; one query."""
    regions = list(OrgUnit.objects.for_user(user).filter(kind=UnitKind.REGION).order_by("code"))
    center_path = ""
    if regions:
        path = regions[0].path
        center_path = path[: path.index("/", 1) + 1]
    return regions, center_path


def warning_board(*, user, as_of, regions, center_path):
    """Open warnings the user reads, counted per region × rule × age bucket, with how many are past their
    deadline (due before `as_of`) and how many were escalated; totals per region, per rule of a region and per
    column. One grouped query.

    Returns {"buckets": [(code, label)], "regions": [{"unit", "rules": [{"rule_id", "name", "cells",
    "total", "overdue", "escalated"}], "cells", "total", "overdue", "escalated"}], "cells", "total", "overdue",
    "escalated", "elsewhere"} — `cells` are (bucket code, count) in the order of the buckets; `elsewhere` counts
    warnings on a unit outside every region (the center itself)."""
    codes = [code for code, _label, _first, _last in AGE_BUCKETS]
    rows = []
    if regions:
        rows = (
            Warning.objects.for_user(user)
            .filter(state__in=WARNING_OPEN_STATES)
            .annotate(region_path=region_prefix("unit__path", center_path), bucket=_age_case(as_of))
            .values_list("region_path", "rule_id", "rule__name", "bucket")
            .annotate(
                n=Count("pk"),
                overdue=Count("pk", filter=Q(due_on__lt=as_of)),
                escalated=Count("pk", filter=Q(escalation_level__gt=0)),
            )
            .order_by()
        )

    def blank():
        return {"cells": [0] * len(codes), "total": 0, "overdue": 0, "escalated": 0}

    def add(target, bucket, n, overdue, escalated):
        target["cells"][codes.index(bucket)] += n
        target["total"] += n
        target["overdue"] += overdue
        target["escalated"] += escalated

    by_path = {region.path: {"unit": region, "rules": {}, **blank()} for region in regions}
    totals, elsewhere = blank(), blank()
    for path, rule_id, rule_name, bucket, n, overdue, escalated in rows:
        region = by_path.get(path)
        if region is None:
            add(elsewhere, bucket, n, overdue, escalated)
        else:
            rule = region["rules"].setdefault(rule_id, {"rule_id": rule_id, "name": rule_name, **blank()})
            add(rule, bucket, n, overdue, escalated)
            add(region, bucket, n, overdue, escalated)
        add(totals, bucket, n, overdue, escalated)
    for region in by_path.values():
        region["rules"] = sorted(region["rules"].values(), key=lambda rule: (-rule["total"], rule["name"], rule["rule_id"]))
        for row in [region, *region["rules"]]:
            row["cells"] = list(zip(codes, row["cells"], strict=True))
    for row in (totals, elsewhere):
        row["cells"] = list(zip(codes, row["cells"], strict=True))
    return {
        "buckets": AGE_CHOICES,
        "regions": list(by_path.values()),
        **totals,
        "elsewhere": elsewhere,
    }


def grade_board(*, user, regions, center_path):
    """Customers' credit grades per region: {"grades": GRADES, "regions": [{"unit", "cells": [(grade, count)],
    "total"}], "cells", "total"} over the ratings the user reads, best grade first — from the kept counts
    (risk.models.GradeCount, as the overview reads them). One grouped query."""
    rows = []
    if regions:
        rows = (
            GradeCount.objects.for_user(user)
            .filter(subject=RatingSubject.CUSTOMER)
            .annotate(region_path=region_prefix("unit__path", center_path))
            .values_list("region_path", "grade")
            .annotate(n=Sum("count"))
            .order_by()
        )
    by_path = {region.path: {"unit": region, "cells": [0] * len(GRADES), "total": 0} for region in regions}
    cells, total = [0] * len(GRADES), 0
    for path, grade, n in rows:
        if grade not in GRADES:
            continue
        region = by_path.get(path)
        if region is not None:
            region["cells"][GRADES.index(grade)] += n
            region["total"] += n
        cells[GRADES.index(grade)] += n
        total += n
    for region in by_path.values():
        region["cells"] = list(zip(GRADES, region["cells"], strict=True))
    return {"grades": GRADES, "regions": list(by_path.values()), "cells": list(zip(GRADES, cells, strict=True)), "total": total}
