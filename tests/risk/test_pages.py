"""Risk pages and API: the overview, the grade lists with their filter, the scheme pages (draft with bad input
refused on its field, submit), the grade card on a customer's page, and the grades the branch API returns."""

from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from core.rights import SYSTEM
from customers import services as ledger
from risk import services
from risk.models import CustomerRating, RatingScheme
from tests.customers.factories import CustomerFactory
from tests.risk.test_ratings import CUSTOMER_FACTORS, GRADES, approved

D = Decimal


def _graded(personas, units):
    approved(personas)
    east = CustomerFactory(district=units["330100"], credit_limit=D("1000.00"))
    south = CustomerFactory(district=units["440100"])
    ledger.invoice_record(by=SYSTEM, customer=east, issue_date=date(2025, 1, 10), due_date=date(2025, 2, 10), amount=D("1500.00"))
    services.rate(subject="customer", as_of=date(2025, 3, 1), by=SYSTEM)
    return east, south


def test_overview_and_grade_list_show_only_the_readers_scope(personas, units):
    east, south = _graded(personas, units)
    page = personas["rm_east"].web().get(reverse("risk:home"))
    assert page.status_code == 200
    grades = {row["grade"]: row["count"] for row in page.context["customers"]["grades"]}
    assert grades["D"] == 1 and page.context["customers"]["total"] == 1  # the east customer only
    # The region's receivable turnover, six complete months, oldest first.
    turnover = page.context["turnover"]
    assert len(turnover) == 6 and page.context["turnover_unit"].code == "HD" and 'id="risk-turnover"' in page.content.decode()
    assert turnover[-1]["month"].start < timezone.localdate().replace(day=1)
    listing = personas["rm_east"].web().get(reverse("risk:customer_rating_list"), {"grade": "D"})
    assert [r.customer_id for r in listing.context["object_list"]] == [east.pk]
    assert (
        personas["rm_east"].web().get(reverse("risk:customer_rating_list"), {"grade": "AAA"}).context["object_list"].count() == 0
    )
    south_list = personas["rm_south"].web().get(reverse("risk:customer_rating_list"))
    assert [r.customer_id for r in south_list.context["object_list"]] == [south.pk]


def test_customer_page_says_why_and_since_when(personas, units):
    east, _south = _graded(personas, units)
    page = personas["dm_hangzhou"].web().get(reverse("customers:customer_detail", kwargs={"pk": east.pk}))
    html = page.content.decode()
    assert 'id="credit-grade"' in html and 'data-grade="D"' in html and "2025-03-01" in html
    assert 'data-factor="overdue_share"' in html and 'data-change="2025-03-01"' in html


def test_scheme_page_refuses_overlapping_grades_on_the_field_and_writes_nothing(personas):
    data = {
        "subject": "customer",
        "name": "客户评级",
        "description": "",
        "factors-TOTAL_FORMS": "1",
        "factors-INITIAL_FORMS": "0",
        "factors-0-factor": "overdue_share",
        "factors-0-weight": "100",
        "factors-0-bands": "0:100, 0.2：60，0.5:0",
        "factors-0-if_missing": "100",
        "grades-TOTAL_FORMS": "2",
        "grades-INITIAL_FORMS": "0",
        "grades-0-grade": "A",
        "grades-0-start": "50",
        "grades-0-end": "100",
        "grades-1-grade": "D",
        "grades-1-start": "0",
        "grades-1-end": "60",
    }
    client = personas["center"].web()
    refused = client.post(reverse("risk:scheme_create"), data)
    assert refused.status_code == 400
    assert refused.context["grades"].non_form_errors() == ["A 与 D 的分数区间重叠。"]
    assert not RatingScheme.objects.exists()
    data["grades-1-end"] = "50"
    made = client.post(reverse("risk:scheme_create"), data)
    assert made.status_code == 302
    scheme = RatingScheme.objects.get()
    assert scheme.grades == [{"grade": "A", "from": "50", "to": "100"}, {"grade": "D", "from": "0", "to": "50"}]
    assert scheme.factors.get().bands == [
        {"from": "0", "score": "100"},
        {"from": "0.2", "score": "60"},
        {"from": "0.5", "score": "0"},
    ]
    submitted = client.post(reverse("risk:scheme_detail", kwargs={"pk": scheme.pk}), {"action": "submit"})
    assert submitted.status_code == 302
    scheme.refresh_from_db()
    assert scheme.state == "submitted"
    # A manager reads the scheme but may not change it.
    assert personas["rm_east"].web().get(reverse("risk:scheme_detail", kwargs={"pk": scheme.pk})).status_code == 200
    assert personas["rm_east"].web().get(reverse("risk:scheme_create")).status_code == 403


def test_branch_system_pulls_its_customers_grades(personas, units):
    east, _south = _graded(personas, units)
    answer = personas["key_hangzhou"].api().get("/api/v1/risk/customer-ratings/", {"grade": "D"})
    assert answer.status_code == 200
    rows = answer.json()["results"]
    assert [(row["customer"], row["grade"], row["overdue_share"]) for row in rows] == [(east.pk, "D", "1.0000")]
    assert personas["key_guangdong"].api().get(f"/api/v1/risk/customer-ratings/{rows[0]['id']}/").status_code == 404


def test_the_scheme_form_offers_defaults(personas):
    page = personas["center"].web().get(reverse("risk:scheme_create"))
    assert page.status_code == 200
    assert [form.initial["grade"] for form in page.context["grades"].forms] == [g["grade"] for g in GRADES]
    assert CUSTOMER_FACTORS  # the same vocabulary as the service tests


def test_overview_shows_the_grade_migration_of_the_readers_customers(personas, units):
    east, _south = _graded(personas, units)
    ledger.payment_record(by=SYSTEM, customer=east, received_on=date(2025, 3, 10), amount=D("1500.00"))
    services.rate(subject="customer", as_of=timezone.localdate(), by=SYSTEM)
    new_grade = CustomerRating.objects.get(customer=east).grade
    page = personas["rm_east"].web().get(reverse("risk:home"))
    cells = {(old, new): n for row in page.context["migration"] for old, new, n in row}
    assert new_grade != "D" and cells[("D", new_grade)] == 1 and sum(cells.values()) == 1
    assert f'data-move="D-{new_grade}"' in page.content.decode()
    moved = page.context["customers"]
    assert (moved["rose"], moved["fell"], moved["first"]) == (1, 0, 0)  # this month: one rose; first grades were in 2025
    assert personas["rm_south"].web().get(reverse("risk:home")).context["migration"] == []
