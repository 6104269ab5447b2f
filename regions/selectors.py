"""Reads of the organisation and staff, always through the caller's scope."""

from collections import defaultdict

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
