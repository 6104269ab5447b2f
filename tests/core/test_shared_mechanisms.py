"""The mechanisms every app takes from core instead of writing them again (issue 13, item 4): the unit
subtree filter, the filter-on-list rule of the list pages, the in-scope lookup, the money-input rule,
"a period that has begun", "due date not before issue date", and the shared list page."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from core.dates import due_date_error
from core.errors import InvalidInput
from core.filters import in_subtree
from core.models import AccessDenial
from core.money import parse_money
from core.periods import parse_input
from core.scoping import get_in_scope
from regions.models import OrgUnit, StaffProfile

D = Decimal


# ------------------------------------------------------------------------------------------ subtree


@pytest.mark.django_db
def test_in_subtree_takes_a_unit_its_id_or_its_code(units):
    staff = StaffProfile.objects.all()
    zhejiang = units["330000"]
    by_unit = set(in_subtree(staff, "unit__path", zhejiang).values_list("pk", flat=True))
    assert by_unit == set(in_subtree(staff, "unit__path", zhejiang.pk).values_list("pk", flat=True))
    assert by_unit == set(in_subtree(staff, "unit__path", code="330000").values_list("pk", flat=True))
    assert set(in_subtree(OrgUnit.objects.all(), "path", zhejiang).values_list("code", flat=True)) >= {"330000", "330100"}
    assert "440100" not in set(in_subtree(OrgUnit.objects.all(), "path", zhejiang).values_list("code", flat=True))


@pytest.mark.django_db
def test_an_unknown_unit_gives_an_empty_list_never_everything(units):
    assert not in_subtree(OrgUnit.objects.all(), "path", 10**9).exists()
    assert not in_subtree(OrgUnit.objects.all(), "path", code="nope").exists()


# ------------------------------------------------------------------------------------------ list pages


def test_bad_filter_input_shows_on_the_form_and_lists_nothing(personas, units):
    client = personas["center"].web()
    everything = client.get(reverse("regions:orgunit_list"))
    assert everything.context["paginator"].count > 0
    response = client.get(reverse("regions:orgunit_list"), {"kind": "no-such-kind"})
    assert response.status_code == 200
    assert response.context["filter"].errors
    assert response.context["paginator"].count == 0


def test_a_list_page_is_the_shared_template_with_its_own_columns(personas, units):
    response = personas["center"].web().get(reverse("regions:staff_list"))
    assert "core/list.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert 'class="app-page-header"' in page and 'class="table table-hover app-table table-sticky"' in page
    assert "app-filter" in page  # the filter bar of the FilterSet


# ------------------------------------------------------------------------------------------ lookup


def _request(persona):
    request = RequestFactory().get("/somewhere/")
    request.user = persona.user
    return request


def test_in_scope_lookup_returns_the_object(personas, units):
    assert get_in_scope(_request(personas["dm_hangzhou"]), OrgUnit, pk=units["330100"].pk) == units["330100"]


def test_out_of_scope_is_a_404_and_a_logged_denial_a_typo_is_a_plain_404(personas, units):
    request = _request(personas["dm_hangzhou"])
    with pytest.raises(Http404):
        get_in_scope(request, OrgUnit, pk=units["440100"].pk)
    assert AccessDenial.objects.filter(status=404, reason="out of scope").count() == 1
    for bad in (10**9, "abc", 2**70):
        with pytest.raises(Http404):
            get_in_scope(request, OrgUnit, pk=bad)
    assert AccessDenial.objects.count() == 1


# ------------------------------------------------------------------------------------------ money


@pytest.mark.parametrize(("value", "expected"), [("100", D("100.00")), ("12.3", D("12.30")), (7, D("7.00")), (0.1, D("0.10"))])
def test_money_is_read_to_the_cent(value, expected):
    assert parse_money(value, field="amount") == expected


@pytest.mark.parametrize("value", ["12.345", "0.001", "1e-4000000", "1e20", "-1", "abc", None, True])
def test_money_with_more_than_two_decimals_or_out_of_bounds_is_refused_never_rounded(value):
    with pytest.raises(InvalidInput) as caught:
        parse_money(value, field="amount")
    assert caught.value.field == "amount"


@translation.override("en")
def test_money_positive_and_one_wording():
    assert parse_money("0", field="amount") == D("0.00")
    with pytest.raises(InvalidInput, match="more than zero"):
        parse_money("0", field="amount", positive=True)
    with pytest.raises(InvalidInput, match="^Say it right.$"):
        parse_money("1.234", field="amount", message="Say it right.")


# ------------------------------------------------------------------------------------------ dates


@translation.override("en")
def test_a_period_that_has_begun():
    today = date(2026, 7, 15)
    assert str(parse_input("2026-07", begun=True, today=today)) == "2026-07"
    assert str(parse_input("2026-08")) == "2026-08"
    with pytest.raises(InvalidInput, match="not begun"):
        parse_input("2026-08", begun=True, today=today)


@translation.override("en")
def test_due_date_not_before_issue_date():
    issued = date(2026, 3, 1)
    assert due_date_error(issued, issued) is None
    assert due_date_error(issued, issued + timedelta(days=30)) is None
    assert due_date_error(issued, None) is None
    assert "before the issue date" in due_date_error(issued, issued - timedelta(days=1))
