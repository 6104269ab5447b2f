"""Reads of the organisation and staff, always through the caller's scope."""

from collections import defaultdict

from django.db.models import BigIntegerField, Case, Q, Value, When

from regions.models import OrgUnit


def org_unit_tree(*, user, root=None, include_closed=False):
    """The caller's visible units as nested dicts, built from one query ordered by path."""
    units = OrgUnit.objects.for_user(user)
    if root is not None:
        units = units.subtree_of(root)
    if not include_closed:
        units = units.filter(is_active=True)
    units = list(units.order_by("depth", "code").values("id", "kind", "code", "name", "name_en", "parent_id", "is_active"))
    children = defaultdict(list)
    ids = {u["id"] for u in units}
    for unit in units:
        children[unit["parent_id"]].append(unit)
    for unit in units:
        unit["children"] = children.get(unit["id"], [])
    # Roots of the visible forest: units whose parent the caller cannot see.
    return [unit for unit in units if unit["parent_id"] not in ids]


def by_subtree(queryset, path, units):
    """The rows of `queryset` that lie in the subtree of one of `units`, each annotated with `subtree`: the id of
    that unit. `path` is the lookup of the row's unit path (`unit__path`, `person__unit__path`, …); the units must
    not lie below one another (a unit's children, or the unit alone). Grouping on `subtree` then gives a drill-down's
    figures for every unit in one query, however many units there are — the page's cost does not grow with the
    tree (the sales dashboard labels its districts' rows the same way)."""
    units = list(units)
    if not units:
        # Nothing to split (a district has no units below it): no rows, and no query is run.
        return queryset.none().annotate(subtree=Value(None, output_field=BigIntegerField()))
    inside = Q()
    for unit in units:
        inside |= Q(**{f"{path}__startswith": unit.path})
    label = Case(
        *(When(**{f"{path}__startswith": unit.path}, then=Value(unit.pk)) for unit in units),
        default=None,
        output_field=BigIntegerField(),
    )
    return queryset.filter(inside).annotate(subtree=label)
