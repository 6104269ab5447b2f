"""The Development Center's company-wide risk board (/risk/board/): open warnings by region × rule × age with the
past-deadline and escalated counts, every count linking to the warning list that shows exactly those warnings,
the grade migration of a chosen month (bad months ignored with a message), customers' grades per region, a
404 for everyone outside the center, and a number of queries that does not grow with regions or warnings."""

import html
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from core.models import AccessDenial
from core.rights import SYSTEM
from regions.services import org_unit_create
from risk import services
from risk.models import CustomerGradeChange, CustomerRating, StaffGradeChange, Warning
from risk.selectors import AGE_BUCKETS, age_q
from risk.services.grade_counts import grade_counts_refresh
from tests.customers.factories import CustomerFactory, StaffFactory
from tests.risk.test_ratings import approved

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 16)  # a Monday
NOON = datetime(2026, 3, 16, 4, 0, tzinfo=UTC)  # 12:00 in Beijing
BOARD = "/risk/board/"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOON, tick=False):
        yield


def _rule(name, kind="overdue_share", threshold="0.5"):
    return services.warning_rule_create(by=SYSTEM, name=name, kind=kind, threshold=threshold, severity="high", deadline_days=3)


def _warning(units, code, rule, *, age, due_in=3, escalated=False, closed=False):
    """An open warning about a new customer of district `code`, opened `age` days before TODAY, due `due_in`
    days after TODAY (negative: past its deadline)."""
    district = units[code]
    owner = StaffFactory(unit=district)
    customer = CustomerFactory(district=district, salesperson=owner)
    opened = TODAY - timedelta(days=age)
    extra = {"escalation_level": 1, "escalated_on": TODAY, "escalated_to": owner} if escalated else {}
    if closed:
        extra |= {"state": "closed", "closed_on": TODAY, "closed_reason": "cleared"}
    return Warning.objects.create(
        rule=rule,
        customer=customer,
        unit=district,
        owner=owner,
        severity="high",
        value=D("0.8"),
        opened_on=opened,
        due_on=TODAY + timedelta(days=due_in),
        **extra,
    )


@pytest.fixture
def book(units):
    """华东 (HD): 杭州 and 南京; 华南 (HN): 广州. Two rules."""
    share, quiet = _rule("逾期占比过高"), _rule("长期未进货", kind="no_sales", threshold="60")
    made = {
        "hz0": _warning(units, "330100", share, age=0),
        "hz3": _warning(units, "330100", share, age=3),
        "hz4": _warning(units, "330100", share, age=4),
        "hz31": _warning(units, "330100", share, age=31, due_in=-20, escalated=True),
        "nj15": _warning(units, "320100", quiet, age=15, due_in=-1),
        "gz8": _warning(units, "440100", share, age=8),
        "gz30": _warning(units, "440100", share, age=30, due_in=-5),
        "gz_closed": _warning(units, "440100", share, age=2, closed=True),
    }
    return {"share": share, "quiet": quiet, **made}


def _region(board, code):
    return next(row for row in board["regions"] if row["unit"].code == code)


def _counts(row):
    return dict(row["cells"])


def test_bucket_bounds_cover_every_age_once():
    """The one constant: consecutive, from 0 days, the last open-ended; `age_q` picks exactly one bucket per age."""
    firsts = [first for _code, _label, first, _last in AGE_BUCKETS]
    assert firsts[0] == 0 and AGE_BUCKETS[-1][3] is None
    assert all(prev[3] + 1 == nxt[2] for prev, nxt in zip(AGE_BUCKETS, AGE_BUCKETS[1:], strict=False))
    assert [(b[2], b[3]) for b in AGE_BUCKETS] == [(0, 3), (4, 7), (8, 14), (15, 30), (31, None)]


def test_the_board_counts_open_warnings_by_region_rule_and_age(personas, book):
    page = personas["center"].web().get(BOARD)
    assert page.status_code == 200
    board = page.context["warnings"]
    east, south = _region(board, "HD"), _region(board, "HN")
    assert _counts(east) == {"0-3": 2, "4-7": 1, "8-14": 0, "15-30": 1, "over-30": 1}
    assert (east["total"], east["overdue"], east["escalated"]) == (5, 2, 1)
    rules = {rule["name"]: rule for rule in east["rules"]}
    assert _counts(rules["逾期占比过高"]) == {"0-3": 2, "4-7": 1, "8-14": 0, "15-30": 0, "over-30": 1}
    assert (rules["逾期占比过高"]["overdue"], rules["逾期占比过高"]["escalated"]) == (1, 1)
    assert _counts(rules["长期未进货"]) == {"0-3": 0, "4-7": 0, "8-14": 0, "15-30": 1, "over-30": 0}
    # The closed warning of 广州 is not counted.
    assert _counts(south) == {"0-3": 0, "4-7": 0, "8-14": 1, "15-30": 1, "over-30": 0}
    assert (south["total"], south["overdue"], south["escalated"]) == (2, 1, 0)
    # Every region is a row, with or without warnings; the totals add up.
    assert {row["unit"].code for row in board["regions"]} == {"HB", "DB", "HD", "HZ", "HN", "XN", "XB"}
    assert _region(board, "HZ")["total"] == 0
    assert (board["total"], board["overdue"], board["escalated"]) == (7, 3, 1)
    assert _counts(board) == {"0-3": 2, "4-7": 1, "8-14": 1, "15-30": 2, "over-30": 1}
    assert board["elsewhere"]["total"] == 0


def test_every_count_links_to_the_warning_list_of_exactly_those_warnings(personas, book):
    client = personas["center"].web()
    body = client.get(BOARD).content.decode()
    links = re.findall(r'<a[^>]*href="([^"]+)" data-cell="([^"]+)">([\d,]+)</a>', body)
    assert len(links) > 20
    for href, cell, shown in links:
        listing = client.get(html.unescape(href))
        assert listing.status_code == 200, (cell, href)
        assert listing.context["filter"].is_valid(), (cell, listing.context["filter"].errors)
        assert listing.context["paginator"].count == int(shown.replace(",", "")), (cell, href)
    # One cell checked row by row: 华东 × 逾期占比过高 × 0–3 days are the warnings opened today and 3 days ago.
    share = book["share"].pk
    cell = re.search(rf'href="([^"]+)" data-cell="HD-{share}-0-3"', body).group(1)
    rows = client.get(html.unescape(cell)).context["object_list"]
    assert {w.pk for w in rows} == {book["hz0"].pk, book["hz3"].pk}
    # A region's name drills down to its open warnings (the overview takes no unit).
    east = personas["center"].web().get(BOARD).context["warnings"]["regions"]
    east_pk = next(row["unit"].pk for row in east if row["unit"].code == "HD")
    assert f'href="/risk/warnings/?unit={east_pk}&amp;open=true" data-region-link="{east_pk}"' in body


def test_the_age_filter_matches_the_board_on_the_api_too(personas, book):
    api = personas["center"].api()
    for code, _label, _first, _last in AGE_BUCKETS:
        answer = api.get("/api/v1/risk/warnings/", {"age": code, "open": "true", "page_size": 100})
        assert answer.status_code == 200
        expected = set(Warning.objects.open().filter(age_q(code, TODAY)).values_list("pk", flat=True))
        assert {row["id"] for row in answer.json()["results"]} == expected
    assert api.get("/api/v1/risk/warnings/", {"age": "99-"}).status_code == 400
    escalated = api.get("/api/v1/risk/warnings/", {"escalated": "true"}).json()["results"]
    assert [row["id"] for row in escalated] == [book["hz31"].pk]
    by_rule = api.get("/api/v1/risk/warnings/", {"rule": book["quiet"].pk}).json()["results"]
    assert [row["id"] for row in by_rule] == [book["nj15"].pk]


def _grades(personas, units):
    scheme = approved(personas)
    staff_scheme = approved(
        personas,
        subject="staff",
        factors=[{"factor": "customers_overdue_share", "weight": "100", "bands": [{"from": "0", "score": "100"}]}],
    )
    east = CustomerFactory(district=units["330100"])
    east2 = CustomerFactory(district=units["320100"])
    south = CustomerFactory(district=units["440100"])
    for customer, grade in ((east, "C"), (east2, "A"), (south, "A")):
        CustomerRating.objects.create(customer=customer, scheme=scheme, score=D("50"), grade=grade, rated_on=TODAY, since=TODAY)
    CustomerGradeChange.objects.create(
        customer=east, on=date(2026, 3, 2), old_grade="A", new_grade="C", score=D("50"), scheme=scheme
    )
    CustomerGradeChange.objects.create(
        customer=east, on=date(2026, 2, 2), old_grade="B", new_grade="A", score=D("75"), scheme=scheme
    )
    CustomerGradeChange.objects.create(
        customer=south, on=date(2026, 3, 3), old_grade="", new_grade="A", score=D("75"), scheme=scheme
    )
    rep = StaffFactory(unit=units["440100"])
    StaffGradeChange.objects.create(
        staff=rep, on=date(2026, 3, 5), old_grade="AA", new_grade="A", score=D("75"), scheme=staff_scheme
    )
    # The overview and the board read the kept counts, refreshed as the rating run does after writing grades.
    grade_counts_refresh(subject="customer", months=[date(2026, 2, 1), date(2026, 3, 1)])
    grade_counts_refresh(subject="staff", months=[date(2026, 3, 1)])
    return east, south


def _cells(matrix):
    return {(old, new): n for row in matrix for old, new, n in row}


def test_grade_migration_of_a_month_and_grades_by_region(personas, units):
    _grades(personas, units)
    client = personas["center"].web()
    page = client.get(BOARD)
    customers, staff = _cells(page.context["migration"]["customer"]), _cells(page.context["migration"]["staff"])
    assert customers[("A", "C")] == 1 and sum(customers.values()) == 1  # February's move and first grades left out
    assert staff[("AA", "A")] == 1 and sum(staff.values()) == 1
    body = page.content.decode()
    assert 'data-move="A-C"' in body and body.count("data-diagonal") == 12  # 6 grades × 2 tables, marked
    assert str(page.context["month"]) == "2026-03" and str(page.context["previous_month"]) == "2026-02"
    assert page.context["next_month"] is None
    february = client.get(BOARD, {"month": "2026-02"})
    assert _cells(february.context["migration"]["customer"])[("B", "A")] == 1
    assert sum(_cells(february.context["migration"]["customer"]).values()) == 1
    assert str(february.context["next_month"]) == "2026-03"
    grades = page.context["grades"]
    east = next(row for row in grades["regions"] if row["unit"].code == "HD")
    assert dict(east["cells"]) == {"AAA": 0, "AA": 0, "A": 1, "B": 0, "C": 1, "D": 0} and east["total"] == 2
    south = next(row for row in grades["regions"] if row["unit"].code == "HN")
    assert dict(south["cells"])["A"] == 1 and grades["total"] == 3
    assert dict(grades["cells"]) == {"AAA": 0, "AA": 0, "A": 2, "B": 0, "C": 1, "D": 0}
    listing = client.get(reverse("risk:customer_rating_list"), {"unit": east["unit"].pk, "grade": "C"})
    assert listing.context["paginator"].count == 1


@pytest.mark.parametrize("month", ["2026-13", "abc", "2026", "2026-Q1", "2027-01", "9999-01", "0000-01", "2026-3", "२०२६-०१"])
def test_a_bad_month_is_ignored_with_a_message(personas, month):
    page = personas["center"].web().get(BOARD, {"month": month})
    assert page.status_code == 200
    assert str(page.context["month"]) == "2026-03"
    assert [m.level_tag for m in get_messages(page.wsgi_request)] == ["warning"]


def test_the_board_is_the_centers_only(personas, book):
    for name in ("director", "center"):
        assert personas[name].web().get(BOARD).status_code == 200
    for name in ("rm_east", "rm_south", "pm_zhejiang", "dm_hangzhou", "rep_hangzhou"):
        before = AccessDenial.objects.count()
        assert personas[name].web().get(BOARD).status_code == 404
        assert AccessDenial.objects.count() == before + 1
        assert AccessDenial.objects.first().status == 404
    from django.test import Client

    assert Client().get(BOARD).status_code == 302  # to the login page


def test_the_board_is_in_the_centers_menu_and_the_overviews_tabs(personas):
    from core.nav import menu

    def urls(name):
        person = personas[name]
        return [
            url for entry in menu(person.user, person.staff.role) for _label, url in entry["children"] or [("", entry["url"])]
        ]

    assert BOARD in urls("center") and BOARD in urls("director")
    assert BOARD not in urls("rm_east") and BOARD not in urls("rep_hangzhou")
    assert 'id="risk-board-tab"' in personas["center"].web().get(reverse("risk:home")).content.decode()
    assert 'id="risk-board-tab"' not in personas["rm_east"].web().get(reverse("risk:home")).content.decode()


def test_the_number_of_queries_does_not_grow_with_regions_or_warnings(personas, units, book, django_assert_max_num_queries):
    _grades(personas, units)
    client = personas["center"].web()
    client.get(BOARD)  # warm the session and the caches
    with django_assert_max_num_queries(30) as few:
        assert client.get(BOARD).status_code == 200
    # Two more regions with provinces and districts, a third rule, and warnings and ratings all over them.
    center = units["HQ"]
    third = _rule("回款延迟", kind="delay_lengthening", threshold="10")
    for n in range(2):
        region = org_unit_create(by=SYSTEM, kind="region", code=f"R{n}", name=f"新大区{n}", parent=center)
        province = org_unit_create(by=SYSTEM, kind="province", code=f"9{n}0000", name=f"新省{n}", parent=region)
        district = org_unit_create(by=SYSTEM, kind="district", code=f"9{n}0100", name=f"新市{n}", parent=province)
        units[district.code] = district
        for age in (1, 9, 40):
            _warning(units, district.code, third, age=age, due_in=-1, escalated=True)
    for code in ("330100", "440100", "510100"):
        _warning(units, code, third, age=20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(BOARD)
    board = page.context["warnings"]
    assert board["total"] == 7 + 6 + 3 and len(board["regions"]) == 9
    assert _region(board, "R1")["total"] == 3 and _region(board, "R1")["escalated"] == 3
