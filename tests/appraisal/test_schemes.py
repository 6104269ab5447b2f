"""Appraisal schemes: the weights add up to exactly 100, the approval flow, the scoring arithmetic."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal import services
from appraisal.choices import SchemeState, ScoringRule
from appraisal.scoring import item_score, total_score
from approvals.models import ApprovalRequest
from approvals.services import request_approve, request_return
from core.errors import Conflict, InvalidInput
from core.rights import NotAllowed
from tests.appraisal.conftest import REP_ITEMS, approved_scheme

pytestmark = pytest.mark.django_db


def _create(personas, items):
    return services.scheme_create(
        name="测试", role="sales_rep", period_kind="month", valid_from=date(2026, 1, 1), items=items, by=personas["center"].user
    )


def test_weights_must_add_up_to_exactly_100(personas):
    with pytest.raises(InvalidInput) as error:
        _create(personas, [{"kind": "sales_attainment", "weight": "60"}, {"kind": "manual", "label": "态度", "weight": "39.99"}])
    assert error.value.field == "items"
    assert "100" in str(error.value.message) and "99.99" in str(error.value.message)
    scheme = _create(
        personas, [{"kind": "sales_attainment", "weight": "60.01"}, {"kind": "manual", "label": "态度", "weight": "39.99"}]
    )
    assert sum(item.weight for item in scheme.items.all()) == 100


@pytest.mark.parametrize(
    ("items", "needle"),
    [
        ([], "at least one"),
        ([{"kind": "sales_attainment", "weight": "0"}, {"kind": "manual", "label": "x", "weight": "100"}], "above 0"),
        ([{"kind": "sales_attainment", "weight": "abc"}], "above 0"),
        ([{"kind": "manual", "weight": "100"}], "Name each item"),
        ([{"kind": "sales_attainment", "weight": "50"}, {"kind": "sales_attainment", "weight": "50"}], "twice"),
        ([{"kind": "bogus", "weight": "100"}], "Unknown item kind"),
        (
            [
                {
                    "kind": "sales_attainment",
                    "weight": "100",
                    "rule": "tiers",
                    "tiers": [{"from": "90", "score": "1"}, {"from": "80", "score": "2"}],
                }
            ],
            "thresholds rising",
        ),
    ],
)
def test_bad_items_are_refused_with_a_clear_message(personas, items, needle):
    with pytest.raises(InvalidInput) as error:
        _create(personas, items)
    assert error.value.field == "items"
    assert needle in str(error.value.message)


def test_only_the_center_drafts_schemes(personas):
    with pytest.raises(NotAllowed):
        services.scheme_create(
            name="x",
            role="sales_rep",
            period_kind="month",
            valid_from=date(2026, 1, 1),
            items=REP_ITEMS,
            by=personas["rm_east"].user,
        )


def test_approval_flow_of_a_scheme(personas):
    center, director = personas["center"].user, personas["director"].user
    scheme = _create(personas, REP_ITEMS)
    request = services.scheme_submit(scheme=scheme, by=center)
    scheme.refresh_from_db()
    assert scheme.state == SchemeState.SUBMITTED
    assert request.kind == "appraisal_scheme"
    assert [step.approver_role for step in request.steps.all()] == ["center_staff"]
    # A submitted scheme cannot be edited, and only an approved one is used.
    with pytest.raises(Conflict):
        services.scheme_update(scheme=scheme, by=center, name="改名")
    with pytest.raises(Conflict):
        services.run_compute(scheme=scheme, period="2026-01", by=center)
    request_return(request=request, by=director, comment="权重再斟酌")
    scheme.refresh_from_db()
    assert scheme.state == SchemeState.DRAFT
    services.scheme_update(scheme=scheme, by=center, name="改名")
    request = services.scheme_submit(scheme=scheme, by=center)
    assert request.version == 2
    request_approve(request=request, by=director)
    scheme.refresh_from_db()
    assert scheme.state == SchemeState.APPROVED and scheme.approved_at is not None
    # Revising makes version 2 as a draft; approving it retires version 1.
    draft = services.scheme_revise(scheme=scheme, by=center)
    assert (draft.version, draft.state, draft.items.count()) == (2, SchemeState.DRAFT, len(REP_ITEMS))
    request_approve(request=services.scheme_submit(scheme=draft, by=center), by=director)
    scheme.refresh_from_db()
    draft.refresh_from_db()
    assert (scheme.state, draft.state) == (SchemeState.RETIRED, SchemeState.APPROVED)
    assert ApprovalRequest.objects.filter(object_id=draft.pk, kind="appraisal_scheme").count() == 1


def test_approved_scheme_helper(personas):
    assert approved_scheme(personas).state == SchemeState.APPROVED


def test_item_scores():
    assert item_score(rule=ScoringRule.LINEAR, rate=Decimal("0.8765"), cap=Decimal(100)) == Decimal("87.65")
    assert item_score(rule=ScoringRule.LINEAR, rate=Decimal("1.5"), cap=Decimal(120)) == Decimal("120.00")
    assert item_score(rule=ScoringRule.LINEAR, rate=None) is None
    tiers = [{"from": "50", "score": "60"}, {"from": "80", "score": "90"}]
    assert item_score(rule=ScoringRule.TIERS, rate=Decimal("0.4999"), tiers=tiers) == Decimal("0.00")
    assert item_score(rule=ScoringRule.TIERS, rate=Decimal("0.5"), tiers=tiers) == Decimal("60.00")
    assert item_score(rule=ScoringRule.TIERS, rate=Decimal("2"), tiers=tiers) == Decimal("90.00")


@st.composite
def weighted_items(draw):
    """Random weights in cents adding up to exactly 100, each with a random item score (or none)."""
    n = draw(st.integers(min_value=1, max_value=8))
    cuts = sorted(draw(st.lists(st.integers(min_value=1, max_value=9999), min_size=n - 1, max_size=n - 1, unique=True)))
    bounds = [0, *cuts, 10000]
    weights = [Decimal(bounds[i + 1] - bounds[i]) / 100 for i in range(n)]
    scores = draw(
        st.lists(
            st.one_of(st.none(), st.decimals(min_value=0, max_value=120, places=2, allow_nan=False, allow_infinity=False)),
            min_size=n,
            max_size=n,
        )
    )
    return list(zip(weights, scores, strict=True))


@settings(max_examples=200, deadline=None)
@given(weighted_items())
def test_total_is_the_weighted_sum_to_the_cent(pairs):
    assert sum(w for w, _s in pairs) == 100
    exact = sum((Fraction(w) * Fraction(s or 0) for w, s in pairs), Fraction(0)) / 100
    expected = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert total_score(pairs) == expected
