"""The credit policy (信用政策, issue 16): set by the Development Center, versioned and approved, one in force.

A policy holds the credit limit it suggests per grade (a multiple of the customer's average monthly sales between a
floor and a ceiling, or a fixed amount), what a new invoice beyond the limit meets (flag or refuse: while a policy
is in force it replaces the CREDIT_LIMIT_POLICY setting, through customers.services.limits), the hold rules read by
the nightly hold job (grade D; an open invoice more than N days overdue) and the exposure caps of districts and
provinces (CreditCap rows). Drafted, submitted (ApprovalKind.CREDIT_POLICY, the center's pool decides), approved —
retiring the one in force — or returned (a draft again); the one in force is revised as a new draft version.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.choices import ApprovalKind
from approvals.selectors import latest_request
from approvals.services import request_submit, request_withdraw
from core.errors import Conflict, InvalidInput
from core.money import ZERO, parse_decimal, parse_money
from core.rights import SYSTEM, ensure
from core.roles import staff_of
from customers.services.limits import Cap, at_limit_source, cap_source
from regions.choices import UnitKind
from regions.models import OrgUnit
from risk.choices import AtLimitAction, CreditPolicyState, Grade, LimitMode
from risk.models import CreditCap, CreditPolicy
from risk.services.warnings import clean_text

NAME_MAX = 120
REASON_MAX = 2000
MULTIPLE_MAX = Decimal("100")
OVERDUE_DAYS_MAX = 3650


def policy_in_force():
    """The credit policy in force, or None."""
    return CreditPolicy.objects.unscoped().filter(state=CreditPolicyState.APPROVED).first()


@at_limit_source
def credit_policy_at_limit_action():
    """What the policy in force says a new invoice beyond the limit meets (None without a policy in force)."""
    return (
        CreditPolicy.objects.unscoped().filter(state=CreditPolicyState.APPROVED).values_list("at_limit_action", flat=True).first()
    )


def suggested_limit(limits, grade, monthly_sales):
    """The limit `limits` (a policy's) suggests for a customer of `grade` whose average monthly sales are
    `monthly_sales`; None when the policy says nothing for the grade."""
    rule = (limits or {}).get(grade)
    if not rule:
        return None
    if rule["mode"] == LimitMode.FIXED:
        return Decimal(rule["amount"])
    value = (Decimal(monthly_sales) * Decimal(rule["multiple"])).quantize(Decimal("0.01"))
    return min(max(value, Decimal(rule["floor"])), Decimal(rule["ceiling"]))


# --- input --------------------------------------------------------------------------------------------------------
def _money(value, field, label):
    return parse_money(value, field=field, label=label)


def clean_limits(raw):
    """{grade: rule} checked: a known grade, a mode, a multiple above zero (at most 100, two decimals) with a floor
    not above the ceiling, or a fixed amount; amounts kept as text with two decimals."""
    if not isinstance(raw, dict):
        raise InvalidInput(_("Give the limits as one rule per grade."), field="limits")
    result = {}
    for grade, rule in raw.items():
        if grade not in Grade.values:
            raise InvalidInput(_("Unknown grade: %(grade)s.") % {"grade": str(grade)[:10]}, field="limits")
        if not isinstance(rule, dict) or rule.get("mode") not in LimitMode.values:
            raise InvalidInput(
                _("Grade %(grade)s: choose a multiple of the monthly sales or a fixed amount.") % {"grade": grade}, field="limits"
            )
        if rule["mode"] == LimitMode.FIXED:
            amount = _money(rule.get("amount"), "limits", _("Grade %(grade)s: the amount") % {"grade": grade})
            result[grade] = {"mode": LimitMode.FIXED.value, "amount": str(amount)}
            continue
        multiple = parse_decimal(
            rule.get("multiple"), field="limits", label=_("Grade %(grade)s: the multiple") % {"grade": grade}, max_digits=6
        )
        if not ZERO < multiple <= MULTIPLE_MAX:
            raise InvalidInput(
                _("Grade %(grade)s: the multiple is above zero and at most 100.") % {"grade": grade}, field="limits"
            )
        floor = _money(rule.get("floor", "0"), "limits", _("Grade %(grade)s: the floor") % {"grade": grade})
        ceiling = _money(rule.get("ceiling"), "limits", _("Grade %(grade)s: the ceiling") % {"grade": grade})
        if ceiling < floor:
            raise InvalidInput(_("Grade %(grade)s: the ceiling is below the floor.") % {"grade": grade}, field="limits")
        result[grade] = {
            "mode": LimitMode.MULTIPLE.value,
            "multiple": str(multiple),
            "floor": str(floor),
            "ceiling": str(ceiling),
        }
    return result


def clean_caps(raw):
    """[(unit, cap)]: a district or a province (or its id or code) once each, a cap not below zero."""
    if raw is None:
        return []
    if not isinstance(raw, (list, tuple)):
        raise InvalidInput(_("Give the caps as a list of units and amounts."), field="caps")
    seen, result = set(), []
    for row in raw:
        if not isinstance(row, dict):
            raise InvalidInput(_("Each cap names a unit and an amount."), field="caps")
        unit = row.get("unit")
        if not isinstance(unit, OrgUnit):
            key = str(unit or "").strip()
            unit = OrgUnit.objects.filter(code=key).first() or (
                OrgUnit.objects.filter(pk=int(key)).first() if key.isdigit() and len(key) < 12 else None
            )
        if unit is None or unit.kind not in (UnitKind.DISTRICT, UnitKind.PROVINCE):
            raise InvalidInput(_("A cap is set for a district or a province."), field="caps")
        if unit.pk in seen:
            raise InvalidInput(_("%(unit)s has two caps.") % {"unit": unit.name}, field="caps")
        seen.add(unit.pk)
        cap = parse_money(
            row.get("cap"),
            field="caps",
            label=_("The cap of %(unit)s") % {"unit": unit.name},
            messages={"negative": _("The cap of %(unit)s cannot be below zero.") % {"unit": unit.name}},
        )
        result.append((unit, cap))
    return result


def _values(*, name, at_limit_action, hold_grade_d, hold_overdue_days, limits, reason):
    name = clean_text(name, field="name", label=_("The name"), max_length=NAME_MAX)
    if at_limit_action not in AtLimitAction.values:
        raise InvalidInput(_("Choose what an invoice beyond the limit meets."), field="at_limit_action")
    if hold_overdue_days in ("", None):
        hold_overdue_days = None
    else:
        try:
            hold_overdue_days = int(hold_overdue_days)
        except (TypeError, ValueError):
            raise InvalidInput(_("Give a whole number of days."), field="hold_overdue_days") from None
        if not 1 <= hold_overdue_days <= OVERDUE_DAYS_MAX:
            raise InvalidInput(_("Between 1 and 3,650 days."), field="hold_overdue_days")
    return {
        "name": name,
        "at_limit_action": at_limit_action,
        "hold_grade_d": bool(hold_grade_d),
        "hold_overdue_days": hold_overdue_days,
        "limits": clean_limits(limits),
        "reason": clean_text(reason, field="reason", label=_("The reason"), max_length=REASON_MAX, required=False),
    }


def _lock(policy):
    return CreditPolicy.objects.unscoped().select_for_update().get(pk=policy.pk)


def _set_caps(policy, caps):
    policy.caps.all().delete()
    CreditCap.objects.bulk_create([CreditCap(policy=policy, unit=unit, cap=cap) for unit, cap in caps])


# --- drafting -----------------------------------------------------------------------------------------------------
@transaction.atomic
def credit_policy_create(*, by, name, at_limit_action, limits, hold_grade_d=True, hold_overdue_days=None, caps=None, reason=""):
    """Draft a credit policy (the center). Refused on its field: an unknown grade or mode, a multiple not above zero,
    a ceiling below the floor, a cap below zero or of a unit that is not a district or province, a bad day count."""
    ensure(by, "credit_policy.draft")
    values = _values(
        name=name,
        at_limit_action=at_limit_action,
        hold_grade_d=hold_grade_d,
        hold_overdue_days=hold_overdue_days,
        limits=limits,
        reason=reason,
    )
    caps = clean_caps(caps)
    policy = CreditPolicy.objects.create(**values, drafted_by=None if by is SYSTEM else staff_of(by))
    _set_caps(policy, caps)
    return policy


@transaction.atomic
def credit_policy_update(
    *, by, policy, name, at_limit_action, limits, hold_grade_d=True, hold_overdue_days=None, caps=None, reason=""
):
    """Change a draft."""
    ensure(by, "credit_policy.draft", policy)
    policy = _lock(policy)
    if not policy.is_editable:
        raise Conflict(_("Only a draft policy can be changed; revise the one in force instead."), field="state")
    values = _values(
        name=name,
        at_limit_action=at_limit_action,
        hold_grade_d=hold_grade_d,
        hold_overdue_days=hold_overdue_days,
        limits=limits,
        reason=reason,
    )
    caps = clean_caps(caps)
    for key, value in values.items():
        setattr(policy, key, value)
    policy.save()
    _set_caps(policy, caps)
    return policy


@transaction.atomic
def credit_policy_revise(*, by, policy):
    """A new draft of the policy in force (the next version, same values); approving it retires this one."""
    ensure(by, "credit_policy.draft", policy)
    policy = _lock(policy)
    if policy.state != CreditPolicyState.APPROVED:
        raise Conflict(_("Only the policy in force is revised; change a draft directly."), field="state")
    if policy.revisions.filter(state__in=[CreditPolicyState.DRAFT, CreditPolicyState.SUBMITTED]).exists():
        raise Conflict(_("A revision of this policy is already being drafted."), field="state")
    draft = CreditPolicy.objects.create(
        version=policy.version + 1,
        previous=policy,
        name=policy.name,
        at_limit_action=policy.at_limit_action,
        hold_grade_d=policy.hold_grade_d,
        hold_overdue_days=policy.hold_overdue_days,
        limits=policy.limits,
        drafted_by=None if by is SYSTEM else staff_of(by),
    )
    CreditCap.objects.bulk_create([CreditCap(policy=draft, unit_id=c.unit_id, cap=c.cap) for c in policy.caps.all()])
    return draft


# --- the approval -------------------------------------------------------------------------------------------------
def credit_policy_snapshot(*, policy):
    return {
        "version": policy.version,
        "name": policy.name,
        "at_limit_action": policy.at_limit_action,
        "hold_grade_d": policy.hold_grade_d,
        "hold_overdue_days": policy.hold_overdue_days,
        "limits": policy.limits,
        "caps": [{"unit": cap.unit.name, "cap": str(cap.cap)} for cap in policy.caps.select_related("unit")],
        "reason": policy.reason,
    }


@transaction.atomic
def credit_policy_submit(*, by, policy):
    """Submit a draft to the Development Center's approval."""
    ensure(by, "credit_policy.draft", policy)
    policy = _lock(policy)
    if not policy.is_editable:
        raise Conflict(_("Only a draft policy is submitted."), field="state")
    request = request_submit(
        subject=policy,
        kind=ApprovalKind.CREDIT_POLICY,
        unit=OrgUnit.objects.get(kind=UnitKind.CENTER),
        title=_("Credit policy: %(name)s v%(version)d") % {"name": policy.name, "version": policy.version},
        by=by,
        snapshot=credit_policy_snapshot(policy=policy),
    )
    policy.state = CreditPolicyState.SUBMITTED
    policy.submitted_at = request.submitted_at
    policy.save(update_fields=["state", "submitted_at", "updated_at"])
    return request


@transaction.atomic
def credit_policy_withdraw(*, by, policy):
    """Take a submitted policy back (a draft again), as its submitter, before anyone decided."""
    ensure(by, "credit_policy.draft", policy)
    policy = _lock(policy)
    if policy.state != CreditPolicyState.SUBMITTED:
        raise Conflict(_("Only a submitted policy is withdrawn."), field="state")
    request_withdraw(request=latest_request(policy), by=by)
    policy.refresh_from_db()
    return policy


def credit_policy_on_approved(*, policy):
    """The approval hook: the policy in force retires before approvals marks this one approved (one in force)."""
    CreditPolicy.objects.unscoped().filter(state=CreditPolicyState.APPROVED).exclude(pk=policy.pk).update(
        state=CreditPolicyState.RETIRED, updated_at=timezone.now()
    )


# --- exposure caps in the credit check ---------------------------------------------------------------------------
@cap_source
def credit_policy_caps(district_ids):
    """The caps of the policy in force on these districts and on their provinces, their rows locked in id order (the
    credit check of a new invoice sums its unit's open balances under that lock). Nothing without a policy in force
    or without caps: then no row is locked and nothing summed."""
    if not district_ids:
        return []
    districts = dict(OrgUnit.objects.filter(pk__any=list(district_ids)).values_list("pk", "parent_id"))
    wanted = set(districts) | {parent for parent in districts.values() if parent}
    under = {pk: {pk} for pk in districts}  # the batch's districts under each wanted unit (itself, or its province)
    for pk, parent in districts.items():
        if parent:
            under.setdefault(parent, set()).add(pk)
    # Plain values, not instances: a batch spread over the company meets every cap (373 rows here).
    rows = (
        CreditCap.objects.unscoped()
        .select_for_update(of=("self",))
        .filter(policy__state=CreditPolicyState.APPROVED, unit_id__any=sorted(wanted))
        .order_by("pk")
        .values_list("unit_id", "unit__name", "unit__path", "unit__kind", "cap")
    )
    return [
        Cap(
            unit_id=unit_id,
            name=name,
            path=path,
            is_district=kind == UnitKind.DISTRICT,
            cap=cap,
            districts=frozenset(under.get(unit_id, ())),
        )
        for unit_id, name, path, kind, cap in rows
    ]
