"""Writes to the organisation and the staff archive. Every change keeps the tree consistent."""

import json
import re
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, InvalidInput
from core.rights import ensure
from core.roles import ROLE_UNIT_KIND, Role
from regions.choices import DEPTH, PARENT_KIND, UnitKind
from regions.models import PATH_SEPARATOR, OrgUnit, Position, StaffProfile

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$")
DEFAULT_ORG_FILE = Path(__file__).resolve().parent / "data" / "default_org.json"


def check_code(code, *, exclude_pk=None):
    if not code or not CODE_RE.match(code):
        raise InvalidInput(_("A code is 1–20 letters, digits, '-' or '_'."), field="code")
    if OrgUnit.objects.filter(code=code).exclude(pk=exclude_pk).exists():
        raise Conflict(_("The code %(code)s is already used by another unit.") % {"code": code}, field="code")


def check_parent(kind, parent):
    expected = PARENT_KIND[UnitKind(kind)]
    if expected is None:
        if parent is not None:
            raise InvalidInput(_("The Development Center has no parent unit."), field="parent")
        return
    if parent is None:
        raise InvalidInput(_("A unit of this kind needs a parent unit."), field="parent")
    if parent.kind != expected:
        raise InvalidInput(
            _("A %(kind)s must sit directly under a %(parent_kind)s, not under a %(actual)s.")
            % {
                "kind": UnitKind(kind).label,
                "parent_kind": UnitKind(expected).label,
                "actual": UnitKind(parent.kind).label,
            },
            field="parent",
        )
    if not parent.is_active:
        raise InvalidInput(_("The parent unit %(name)s is closed.") % {"name": parent.name}, field="parent")


@transaction.atomic
def org_unit_create(*, by, kind, code, name, parent=None, name_en=""):
    """Add a unit under a parent of the kind directly above it."""
    ensure(by, "orgunit.create", parent)
    if kind not in UnitKind.values:
        raise InvalidInput(_("Unknown unit kind."), field="kind")
    if not name or not name.strip():
        raise InvalidInput(_("A unit needs a name."), field="name")
    check_code(code)
    if parent is not None:
        parent = OrgUnit.objects.select_for_update().get(pk=parent.pk)
    check_parent(kind, parent)
    unit = OrgUnit.objects.create(
        kind=kind, code=code, name=name.strip(), name_en=name_en.strip(), parent=parent, depth=DEPTH[kind]
    )
    unit.path = f"{parent.path if parent else PATH_SEPARATOR}{unit.pk}{PATH_SEPARATOR}"
    OrgUnit.objects.filter(pk=unit.pk).update(path=unit.path)
    return unit


@transaction.atomic
def org_unit_update(*, by, unit, name=None, name_en=None, code=None):
    """Rename a unit or change its code; its place in the tree does not change."""
    ensure(by, "orgunit.update", unit)
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if code is not None and code != unit.code:
        check_code(code, exclude_pk=unit.pk)
        unit.code = code
    if name is not None:
        if not name.strip():
            raise InvalidInput(_("A unit needs a name."), field="name")
        unit.name = name.strip()
    if name_en is not None:
        unit.name_en = name_en.strip()
    unit.save()
    return unit


@transaction.atomic
def org_unit_move(*, by, unit, new_parent):
    """Move a unit, with its whole subtree, under another parent of the right kind."""
    ensure(by, "orgunit.move", unit)
    ensure(by, "orgunit.update", new_parent)
    # Lock the whole company's tree rows touched: the moved subtree and the new parent.
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    new_parent = OrgUnit.objects.select_for_update().get(pk=new_parent.pk)
    if new_parent.path.startswith(unit.path):
        raise InvalidInput(_("A unit cannot be moved under itself or one of its own sub-units."), field="parent")
    check_parent(unit.kind, new_parent)
    if unit.parent_id == new_parent.pk:
        return unit
    old_path = unit.path
    new_path = f"{new_parent.path}{unit.pk}{PATH_SEPARATOR}"
    # One statement rewrites the prefix of every path in the subtree; depth does not change because
    # a unit only ever moves between parents of the same kind.
    OrgUnit.objects.filter(path__startswith=old_path).update(path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1)))
    unit.refresh_from_db()
    unit.parent = new_parent
    unit.save(update_fields=["parent", "updated_at"])
    return unit


@transaction.atomic
def org_unit_close(*, by, unit, on=None):
    """Close a unit: it keeps its history and facts but takes no new work. Its sub-units and staff
    must have been closed or moved first, so that nothing is left without a live parent."""
    ensure(by, "orgunit.close", unit)
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if unit.kind == UnitKind.CENTER:
        raise InvalidInput(_("The Development Center cannot be closed."), field="unit")
    if not unit.is_active:
        raise Conflict(_("The unit %(name)s is already closed.") % {"name": unit.name})
    if unit.children.filter(is_active=True).exists():
        raise Conflict(_("Close or move the active sub-units of %(name)s first.") % {"name": unit.name})
    if unit.staff.filter(is_active=True).exists():
        raise Conflict(_("Move the active staff of %(name)s to another unit first.") % {"name": unit.name})
    unit.is_active = False
    unit.closed_on = on or timezone.localdate()
    unit.save(update_fields=["is_active", "closed_on", "updated_at"])
    return unit


@transaction.atomic
def org_unit_merge(*, by, source, target, on=None):
    """Merge `source` into `target` (same kind): sub-units and active staff move to the target and the
    source is closed with a pointer to where it went. Its history stays with it."""
    ensure(by, "orgunit.merge", source)
    ensure(by, "orgunit.update", target)
    source = OrgUnit.objects.select_for_update().get(pk=source.pk)
    target = OrgUnit.objects.select_for_update().get(pk=target.pk)
    if source.pk == target.pk:
        raise InvalidInput(_("A unit cannot be merged into itself."), field="target")
    if source.kind != target.kind:
        raise InvalidInput(_("Only units of the same kind can be merged."), field="target")
    if not target.is_active:
        raise InvalidInput(_("The target unit %(name)s is closed.") % {"name": target.name}, field="target")
    on = on or timezone.localdate()
    for child in list(source.children.filter(is_active=True)):
        org_unit_move(by=by, unit=child, new_parent=target)
    for staff in list(source.staff.filter(is_active=True)):
        staff_move(by=by, staff=staff, unit=target, role=staff.role, title=staff.title, on=on, note=_("unit merged"))
    source.merged_into = target
    source.save(update_fields=["merged_into", "updated_at"])
    return org_unit_close(by=by, unit=source, on=on)


@transaction.atomic
def load_default_organisation(*, by, path=DEFAULT_ORG_FILE):
    """Create the default organisation (7 regions, 31 provinces, their prefectures) if it is absent.

    Idempotent: units whose code exists are left as the company has changed them. Each unit it
    creates is an `orgunit.create` of `by` (the system, when seeding).
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    existing = {u.code: u for u in OrgUnit.objects.all()}
    created = 0

    def unit_of(kind, item, parent):
        nonlocal created
        unit = existing.get(item["code"])
        if unit is None:
            unit = org_unit_create(
                by=by, kind=kind, code=item["code"], name=item["name"], name_en=item.get("name_en", ""), parent=parent
            )
            existing[unit.code] = unit
            created += 1
        return unit

    center = unit_of(UnitKind.CENTER, data["center"], None)
    for region_item in data["regions"]:
        region = unit_of(UnitKind.REGION, region_item, center)
        for province_item in region_item["provinces"]:
            province = unit_of(UnitKind.PROVINCE, province_item, region)
            for district_item in province_item["districts"]:
                unit_of(UnitKind.DISTRICT, district_item, province)
    return created


def _check_role_unit(role, unit):
    if role not in Role.values:
        raise InvalidInput(_("Unknown role."), field="role")
    expected = ROLE_UNIT_KIND[Role(role)]
    if unit.kind != expected:
        raise InvalidInput(
            _("The role %(role)s belongs in a %(kind)s, not in a %(actual)s.")
            % {"role": Role(role).label, "kind": UnitKind(expected).label, "actual": UnitKind(unit.kind).label},
            field="unit",
        )
    if not unit.is_active:
        raise InvalidInput(_("The unit %(name)s is closed.") % {"name": unit.name}, field="unit")


@transaction.atomic
def staff_hire(*, by, employee_no, name, unit, role, hire_date, title="", phone="", email="", username=None, password=None):
    """Add a person to the staff archive, with their first position and, if asked, a login."""
    ensure(by, "staff.hire", unit)
    _check_role_unit(role, unit)
    if StaffProfile.objects.filter(employee_no=employee_no).exists():
        raise Conflict(_("The employee number %(no)s is already used.") % {"no": employee_no}, field="employee_no")
    user = None
    if username:
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise Conflict(_("The login %(name)s is already taken.") % {"name": username}, field="username")
        user = User.objects.create_user(username=username, password=password, email=email)
    staff = StaffProfile.objects.create(
        user=user,
        employee_no=employee_no,
        name=name,
        unit=unit,
        role=role,
        title=title,
        phone=phone,
        email=email,
        hire_date=hire_date,
    )
    Position.objects.create(staff=staff, unit=unit, role=role, title=title, started_on=hire_date)
    return staff


@transaction.atomic
def staff_update(*, by, staff, **fields):
    """Correct a person's name, job title, phone or e-mail in the staff archive (the history keeps the
    old values). Their unit and role change only by a move (staff_move)."""
    ensure(by, "staff.update", staff)
    unknown = set(fields) - STAFF_UPDATABLE
    if unknown:
        field = sorted(unknown)[0]
        raise InvalidInput(_("The field %(field)s cannot be changed.") % {"field": field}, field=field)
    for field, value in fields.items():
        setattr(staff, field, value)
    staff.save(update_fields=list(fields) or None)
    return staff


STAFF_UPDATABLE = {"name", "title", "phone", "email"}


@transaction.atomic
def staff_move(*, by, staff, unit, role, title="", on=None, note=""):
    """Move a person to another unit and/or role; the current position ends and a new one begins
    (`staff.move` of the person, and `staff.hire` in the unit they join)."""
    ensure(by, "staff.move", staff)
    ensure(by, "staff.hire", unit)
    staff = StaffProfile.objects.select_for_update().get(pk=staff.pk)
    _check_role_unit(role, unit)
    on = on or timezone.localdate()
    current = staff.positions.filter(ended_on__isnull=True).first()
    if current is not None:
        if on < current.started_on:
            raise InvalidInput(_("A move cannot take effect before the current position began."), field="on")
        current.ended_on = on
        current.save(update_fields=["ended_on"])
    Position.objects.create(staff=staff, unit=unit, role=role, title=title, started_on=on, note=note)
    staff.unit, staff.role, staff.title = unit, role, title
    staff.save(update_fields=["unit", "role", "title"])
    return staff


@transaction.atomic
def staff_leave(*, by, staff, on=None):
    """Record that a person has left; the archive and history stay."""
    ensure(by, "staff.leave", staff)
    staff = StaffProfile.objects.select_for_update().get(pk=staff.pk)
    on = on or timezone.localdate()
    staff.positions.filter(ended_on__isnull=True).update(ended_on=on)
    staff.is_active = False
    staff.left_on = on
    staff.save(update_fields=["is_active", "left_on"])
    if staff.user_id:
        type(staff.user).objects.filter(pk=staff.user_id).update(is_active=False)
    return staff
