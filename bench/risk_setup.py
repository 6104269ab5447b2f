"""The risk policy a benchmark data set needs (seed_scale loads facts, not policy): the demo's two rating
schemes put in force and one early-warning rule of every kind — written directly, as a migration of policy
would be, since the approval flow is not what is measured. Idempotent."""

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from risk.choices import RatingSubject, SchemeState, WarningKind
from risk.demo_ratings import CUSTOMER_FACTORS, GRADES, STAFF_FACTORS
from risk.models import RatingScheme, SchemeFactor, WarningRule

# kind: (level, threshold, window, severity) — thresholds like the demo's, one rule per kind.
RULES = {
    WarningKind.OVERDUE_SHARE: ("customer", "0.9", None, "high"),
    WarningKind.OVERDUE_SHARE_RISE: ("customer", "0.3", 30, "medium"),
    WarningKind.LIMIT_UTILISATION: ("customer", "2", None, "high"),
    WarningKind.NO_SALES: ("customer", "180", None, "medium"),
    WarningKind.DELAY_LENGTHENING: ("customer", "30", None, "medium"),
    WarningKind.GRADE_FALL: ("customer", "2", 30, "high"),
    WarningKind.CONCENTRATION: ("customer", "0.6", None, "low"),
    WarningKind.DSO_RISE: ("district", "30", 1, "medium"),
    WarningKind.ATTAINMENT_PACE: ("district", "0.25", None, "medium"),
}


@transaction.atomic
def ensure_risk_policy():
    """Put the demo schemes in force and one rule of each kind in place where they are missing."""
    for subject, factors in ((RatingSubject.CUSTOMER, CUSTOMER_FACTORS), (RatingSubject.STAFF, STAFF_FACTORS)):
        if RatingScheme.objects.unscoped().filter(subject=subject, state=SchemeState.APPROVED).exists():
            continue
        scheme = RatingScheme.objects.unscoped().create(
            subject=subject, name=f"bench {subject}", grades=GRADES, state=SchemeState.APPROVED
        )
        SchemeFactor.objects.bulk_create(
            SchemeFactor(
                scheme=scheme,
                factor=f["factor"],
                weight=f["weight"],
                bands=f["bands"],
                if_missing=f.get("if_missing", "100"),
                order=n,
            )
            for n, f in enumerate(factors)
        )
    for kind, (level, threshold, window, severity) in RULES.items():
        WarningRule.objects.unscoped().get_or_create(
            kind=kind,
            defaults={
                "name": f"bench {kind}",
                "level": level,
                "threshold": threshold,
                "window": window,
                "severity": severity,
            },
        )


# The provision rates of the benchmark's policy (坏账准备计提比例), per bucket of settings.AGEING_BUCKETS.
PROVISION_RATES = {
    "not_due": "0.5",
    "d1_30": "1",
    "d31_60": "5",
    "d61_90": "10",
    "d91_180": "30",
    "d181_365": "50",
    "over_365": "100",
}


@transaction.atomic
def ensure_provision_policy():
    """Put a provision policy in force where none is (written directly, like the schemes above); returns it."""
    from risk.models import ProvisionPolicy

    policy = ProvisionPolicy.objects.unscoped().filter(state=SchemeState.APPROVED).first()
    if policy is None:
        policy = ProvisionPolicy.objects.unscoped().create(
            name="bench provisions", rates=PROVISION_RATES, state=SchemeState.APPROVED
        )
    return policy


# How far above what its customers owe today each exposure cap of the benchmark's credit policy is set: high
# enough that no invoice of a run is refused (a run adds at most a few million per unit), so an ingest row with the
# policy in force measures what the checks cost, not refusals.
CAP_HEADROOM = Decimal("1000000000.00")


def credit_policy_with_caps():
    """Put a credit policy in force that refuses at the limit, with an exposure cap on every district and every
    province (what its customers owe now + CAP_HEADROOM), the one in force before retired — written directly, like
    the schemes above. Call it inside a transaction that is rolled back: the data set keeps no policy. Returns
    (policy, number of caps)."""
    from customers.models import Customer
    from regions.choices import UnitKind
    from regions.models import OrgUnit
    from risk.choices import AtLimitAction, CreditPolicyState
    from risk.models import CreditCap, CreditPolicy

    CreditPolicy.objects.unscoped().filter(state=CreditPolicyState.APPROVED).update(state=CreditPolicyState.RETIRED)
    policy = CreditPolicy.objects.unscoped().create(
        name="bench caps",
        at_limit_action=AtLimitAction.REFUSE,
        hold_grade_d=True,
        hold_overdue_days=90,
        limits={},
        state=CreditPolicyState.APPROVED,
    )
    owed = dict(Customer.objects.unscoped().order_by().values_list("district_id").annotate(total=Sum("open_balance")))
    units = OrgUnit.objects.filter(kind__in=(UnitKind.DISTRICT, UnitKind.PROVINCE)).values_list("pk", "kind", "parent_id")
    totals = defaultdict(Decimal)
    for pk, kind, parent in units:
        if kind == UnitKind.DISTRICT:
            totals[pk] += owed.get(pk) or 0
            if parent:
                totals[parent] += owed.get(pk) or 0
    caps = [CreditCap(policy=policy, unit_id=pk, cap=totals[pk] + CAP_HEADROOM) for pk, _kind, _parent in units]
    CreditCap.objects.bulk_create(caps)
    return policy, len(caps)
