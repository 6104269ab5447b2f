"""Scoping-contract entries of risk control (joined into tests.scoping_registry.REGISTRY).

A customer's and a salesperson's credit grade belong to them: they are read where the customer or the
person is read (a salesperson reads their own customers' grades and their own). Rating schemes are company
policy (core.scoping.CompanyWideQuerySet): every principal inside the organisation reads them, only the
Development Center drafts, edits, submits and revises them.
"""

from datetime import date

from core.rights import SYSTEM
from tests.scoping_registry import Scoped, Write, make_customer, make_staff, make_unit

CENTER = frozenset({"director", "center"})
FACTORS = [{"factor": "overdue_share", "weight": "100", "bands": [{"from": "0", "score": "100"}, {"from": "0.5", "score": "0"}]}]
STAFF_FACTORS = [{"factor": "customers_overdue_share", "weight": "100", "bands": [{"from": "0", "score": "100"}]}]
GRADES = [{"grade": "A", "from": "50", "to": "100"}, {"grade": "D", "from": "0", "to": "50"}]

_counter = iter(range(1, 10**6))


def _scheme(district, owner, subject="customer"):
    from risk.services import scheme_create

    n = next(_counter)
    factors = FACTORS if subject == "customer" else STAFF_FACTORS
    return scheme_create(subject=subject, name=f"登记评级办法{n}", factors=factors, grades=GRADES, by=SYSTEM)


def _scheme_in_force(district, owner, subject="customer"):
    from risk.choices import SchemeState
    from risk.models import RatingScheme

    scheme = RatingScheme.objects.filter(subject=subject, state=SchemeState.APPROVED).first()
    if scheme is None:
        scheme = _scheme(district, owner, subject)
        RatingScheme.objects.filter(pk=scheme.pk).update(state=SchemeState.APPROVED)
        scheme.refresh_from_db()
    return scheme


def _customer_rating(district, owner):
    from risk.models import CustomerRating

    customer = make_customer(district, owner)
    scheme = _scheme_in_force(district, owner)
    return CustomerRating.objects.create(
        customer=customer, scheme=scheme, score="80.00", grade="A", rated_on=date(2025, 3, 1), since=date(2025, 3, 1)
    )


def _staff_rating(district, owner):
    from risk.models import StaffRating

    staff = owner.staff if owner is not None else make_staff(district, owner)
    scheme = _scheme_in_force(district, owner, "staff")
    rating, _created = StaffRating.objects.get_or_create(
        staff=staff,
        defaults={"scheme": scheme, "score": "80.00", "grade": "A", "rated_on": date(2025, 3, 1), "since": date(2025, 3, 1)},
    )
    return rating


def _approved_scheme(district, owner):
    """The scheme in force (one per subject: every place shares it, as schemes are company-wide), to revise."""
    return _scheme_in_force(district, owner)


def _scheme_form(name):
    return {
        "subject": "customer",
        "name": name,
        "description": "",
        "factors-TOTAL_FORMS": "1",
        "factors-INITIAL_FORMS": "0",
        "factors-0-factor": "overdue_share",
        "factors-0-weight": "100",
        "factors-0-bands": "0:100, 0.5:0",
        "factors-0-if_missing": "100",
        "grades-TOTAL_FORMS": "2",
        "grades-INITIAL_FORMS": "0",
        "grades-0-grade": "A",
        "grades-0-start": "50",
        "grades-0-end": "100",
        "grades-1-grade": "D",
        "grades-1-start": "0",
        "grades-1-end": "50",
    }


ENTRIES = [
    Scoped(
        name="customer credit grade",
        make=_customer_rating,
        api_list="risk-customer-rating-list",
        api_detail="risk-customer-rating-detail",
        web_list="risk:customer_rating_list",
        find=lambda obj: {"customer": obj.customer_id},
    ),
    Scoped(
        name="staff credit grade",
        make=_staff_rating,
        api_list="risk-staff-rating-list",
        api_detail="risk-staff-rating-detail",
        web_list="risk:staff_rating_list",
        find=lambda obj: {"staff": obj.staff_id},
    ),
    Scoped(
        name="rating scheme",
        make=_scheme,
        api_list="risk-scheme-list",
        api_detail="risk-scheme-detail",
        web_list="risk:scheme_list",
        web_detail="risk:scheme_detail",
        writers=CENTER,
        company_wide=True,
        find=lambda obj: {"state": obj.state, "subject": obj.subject},
    ),
]

WRITES = [
    Write(
        name="rating scheme create page",
        url="risk:scheme_create",
        make=make_unit,
        detail=False,
        body=lambda district, world, persona: _scheme_form(f"新评级办法{next(_counter)}"),
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="rating scheme edit page",
        url="risk:scheme_edit",
        make=_scheme,
        body=lambda scheme, world, persona: _scheme_form(f"{scheme.name}（改）"),
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="rating scheme submit page",
        url="risk:scheme_detail",
        make=_scheme,
        body={"action": "submit"},
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="rating scheme revise page",
        url="risk:scheme_detail",
        make=_approved_scheme,
        body={"action": "revise"},
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
]
