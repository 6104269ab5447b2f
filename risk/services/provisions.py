"""Writes of the provision policy (坏账准备计提比例, 账龄分析法): a rate per ageing bucket drafted by the
Development Center, submitted to its approval, revised into the next version. Reading the provision itself
is risk.selectors.provisions."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.choices import ApprovalKind
from approvals.services import request_submit
from core.errors import Conflict, InvalidInput
from core.money import parse_decimal
from core.rights import SYSTEM, ensure
from customers.selectors import ageing_buckets
from regions.choices import UnitKind
from regions.models import OrgUnit
from risk.choices import SchemeState
from risk.models import ProvisionPolicy

HUNDRED = Decimal("100")


def _person(by):
    return None if by is SYSTEM else by


def _clean_name(name):
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Give the policy a name."), field="name")
    if len(name) > 200 or "\x00" in name:
        raise InvalidInput(_("At most 200 characters, no NUL characters."), field="name")
    return name


def rate_field(key):
    """The field a bucket's rate is refused on (the form's field of that bucket)."""
    return f"rate_{key}"


def clean_rates(rates):
    """{bucket key: rate} → {bucket key: "rate"} with exactly the company's ageing buckets
    (settings.AGEING_BUCKETS), each rate a percentage 0–100 with at most two decimals. A bucket missing or
    not in the company's list, or a rate out of bounds, is refused naming the bucket's field."""
    if not isinstance(rates, dict):
        raise InvalidInput(_("Give a rate for every ageing bucket."), field="rates")
    buckets = ageing_buckets()
    keys = [bucket.key for bucket in buckets]
    unknown = sorted(str(key) for key in rates if key not in keys)
    if unknown:
        raise InvalidInput(_("Not an ageing bucket of the company: %(keys)s.") % {"keys": ", ".join(unknown)}, field="rates")
    cleaned = {}
    for bucket in buckets:
        value = rates.get(bucket.key)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise InvalidInput(
                _("Give the rate of the bucket %(bucket)s.") % {"bucket": bucket.label}, field=rate_field(bucket.key)
            )
        rate = parse_decimal(value, field=rate_field(bucket.key), label=str(bucket.label), max_digits=5, decimal_places=2)
        if rate < 0 or rate > HUNDRED:
            raise InvalidInput(
                _("A rate is between 0 and 100 %% (the bucket %(bucket)s).") % {"bucket": bucket.label},
                field=rate_field(bucket.key),
            )
        cleaned[bucket.key] = str(rate.quantize(Decimal("0.01")))
    return cleaned


@transaction.atomic
def provision_policy_create(*, name, rates, by, description=""):
    """Draft a provision policy (the Development Center drafts them)."""
    ensure(by, "provision_policy.draft")
    name = _clean_name(name)
    rates = clean_rates(rates)
    return ProvisionPolicy.objects.create(name=name, rates=rates, description=description or "", created_by=_person(by))


def _lock(policy):
    return ProvisionPolicy.objects.select_for_update().get(pk=policy.pk)


def _require_draft(policy):
    if policy.state != SchemeState.DRAFT:
        raise Conflict(
            _("Only a draft policy can be changed; this one is %(state)s.") % {"state": policy.get_state_display()},
            field="state",
        )


@transaction.atomic
def provision_policy_update(*, policy, by, name=None, rates=None, description=None):
    """Change a draft: its name, description and (given) all its rates."""
    ensure(by, "provision_policy.draft", policy)
    policy = _lock(policy)
    _require_draft(policy)
    if name is not None:
        policy.name = _clean_name(name)
    if rates is not None:
        policy.rates = clean_rates(rates)
    if description is not None:
        policy.description = description
    policy.save()
    return policy


def provision_policy_snapshot(*, policy):
    """What the approver decides on: the policy as submitted."""
    return {"name": policy.name, "version": policy.version, "rates": policy.rates}


@transaction.atomic
def provision_policy_submit(*, policy, by):
    """Submit a draft to the Development Center's approval (报发展中心审批)."""
    ensure(by, "provision_policy.submit", policy)
    policy = _lock(policy)
    _require_draft(policy)
    clean_rates(policy.rates)  # the company's buckets may have changed since it was drafted
    request = request_submit(
        subject=policy,
        kind=ApprovalKind.PROVISION_POLICY,
        unit=OrgUnit.objects.get(kind=UnitKind.CENTER),
        title=_("Provision policy: %(name)s (v%(version)s)") % {"name": policy.name, "version": policy.version},
        by=by,
    )
    policy.state = SchemeState.SUBMITTED
    policy.submitted_at = request.submitted_at
    policy.save(update_fields=["state", "submitted_at", "updated_at"])
    return request


def provision_policy_on_approved(*, policy):
    """The approval hook (risk/approval_subjects.py): the policy in force retires before approvals marks this
    one approved — one policy in force (a constraint holds it)."""
    ProvisionPolicy.objects.filter(state=SchemeState.APPROVED).exclude(pk=policy.pk).update(
        state=SchemeState.RETIRED, updated_at=timezone.now()
    )


@transaction.atomic
def provision_policy_revise(*, policy, by):
    """A new draft of the policy in force (the next version, same rates); approving it retires this one."""
    ensure(by, "provision_policy.draft", policy)
    policy = _lock(policy)
    if policy.state != SchemeState.APPROVED:
        raise Conflict(_("Only the policy in force is revised; change a draft directly."), field="state")
    if policy.revisions.filter(state__in=[SchemeState.DRAFT, SchemeState.SUBMITTED]).exists():
        raise Conflict(_("A revision of this policy is already being drafted."), field="state")
    return ProvisionPolicy.objects.create(
        name=policy.name,
        rates=policy.rates,
        description=policy.description,
        version=policy.version + 1,
        previous=policy,
        created_by=_person(by),
    )


def provision_policy_in_force():
    """The approved policy, or None."""
    return ProvisionPolicy.objects.unscoped().filter(state=SchemeState.APPROVED).first()
