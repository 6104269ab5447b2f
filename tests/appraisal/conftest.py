from datetime import date

import pytest

from appraisal import services
from approvals.services import request_approve
from performance.services import summaries_rebuild
from tests.performance.facts import make_facts

REP_ITEMS = [
    {"kind": "sales_attainment", "weight": "40", "cap": "120"},
    {
        "kind": "collections_attainment",
        "weight": "30",
        "rule": "tiers",
        "tiers": [{"from": "50", "score": "60"}, {"from": "80", "score": "90"}, {"from": "100", "score": "100"}],
    },
    {"kind": "overdue_share", "weight": "10"},
    {"kind": "new_customers", "weight": "10"},
    {"kind": "manual", "label": "团队协作", "weight": "10"},
]


def approved_scheme(personas, *, role="sales_rep", period_kind="month", items=None, unit=None, name="业务员月度考核"):
    """A scheme drafted and submitted by the center persona and approved by the director."""
    center = personas["center"].user
    scheme = services.scheme_create(
        name=name,
        role=role,
        period_kind=period_kind,
        valid_from=date(2020, 1, 1),
        items=items or REP_ITEMS,
        unit=unit,
        by=center,
    )
    request = services.scheme_submit(scheme=scheme, by=center)
    request_approve(request=request, by=personas["director"].user)
    scheme.refresh_from_db()
    return scheme


@pytest.fixture
def facts(units, personas):
    data = make_facts(units, personas)
    summaries_rebuild()
    return data


@pytest.fixture(autouse=True)
def english():
    """Service messages are checked in English (the msgids); pages and the API pick the language per request."""
    from django.utils import translation

    with translation.override("en"):
        yield
