"""Pages of customers and receivables: lists, archive with history, forms, ageing with drill-down and
its Excel export, invoice cancellation, collection plans. Scope (200 inside, 404 outside) for every
list and detail page is covered by tests/test_scoping_contract.py through the registry."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.rights import SYSTEM
from customers import services
from customers.models import Customer, Invoice
from customers.validators import credit_code_check_character
from tests.customers.factories import CustomerFactory, InvoiceFactory, PaymentFactory


def code(body):
    return body + credit_code_check_character(body)


@pytest.fixture
def ledger(personas, units):
    """Two customers in 杭州 (one owned by rep_hangzhou) and one in 广州, with open invoices."""
    today = timezone.localdate()
    hz = CustomerFactory(
        name="杭州恒泰科技有限公司",
        district=units["330100"],
        salesperson=personas["rep_hangzhou"].staff,
        credit_code=code("91330100MA27XK9G1"),
        external_id="HZ-1",
    )
    hz2 = CustomerFactory(name="杭州西子贸易有限公司", district=units["330100"], external_id="HZ-2")
    gz = CustomerFactory(name="广州珠江物流有限公司", district=units["440100"], external_id="GZ-1")
    old = InvoiceFactory(
        customer=hz, issue_date=today - timedelta(days=100), due_date=today - timedelta(days=70), amount="1000.00"
    )
    InvoiceFactory(customer=hz, issue_date=today - timedelta(days=5), due_date=today + timedelta(days=25), amount="250.50")
    PaymentFactory(customer=hz, received_on=today - timedelta(days=3), amount="400.00")  # oldest due first
    InvoiceFactory(customer=hz2, issue_date=today - timedelta(days=40), due_date=today - timedelta(days=10), amount="300.00")
    InvoiceFactory(customer=gz, issue_date=today - timedelta(days=400), due_date=today - timedelta(days=380), amount="9999.99")
    return {"hz": hz, "hz2": hz2, "gz": gz, "old": old}


def test_customer_list_open_receivable_and_constant_queries(personas, ledger, units):
    client = personas["dm_hangzhou"].web()
    response = client.get(reverse("customers:customer_list"))
    assert response.status_code == 200
    rows = {c.pk: c for c in response.context["object_list"]}
    assert rows[ledger["hz"].pk].open_receivable == Decimal("850.50")  # 1000 + 250.50 − 400
    assert rows[ledger["hz2"].pk].open_receivable == Decimal("300.00")
    assert ledger["gz"].pk not in rows

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("customers:customer_list"))
    for _ in range(5):
        customer = CustomerFactory(district=units["330100"])
        InvoiceFactory(customer=customer, amount="10.00")
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("customers:customer_list"))
    assert len(more) == len(few)


@pytest.mark.parametrize("query", ["恒泰", "hzht", "91330100MA"])
def test_customer_search_by_name_initials_and_credit_code(personas, ledger, query):
    response = personas["director"].web().get(reverse("customers:customer_list"), {"q": query})
    assert [c.pk for c in response.context["object_list"]] == [ledger["hz"].pk]


def test_customer_filters_key_district_salesperson(personas, ledger, units):
    services.customer_update(by=SYSTEM, customer=ledger["hz2"], is_key=True)
    client = personas["director"].web()
    keys = client.get(reverse("customers:customer_list"), {"is_key": "true"}).context["object_list"]
    assert [c.pk for c in keys] == [ledger["hz2"].pk]
    in_gz = client.get(reverse("customers:customer_list"), {"unit": units["440100"].pk}).context["object_list"]
    assert [c.pk for c in in_gz] == [ledger["gz"].pk]
    by_rep = client.get(reverse("customers:customer_list"), {"salesperson": personas["rep_hangzhou"].staff.pk})
    assert [c.pk for c in by_rep.context["object_list"]] == [ledger["hz"].pk]


def test_customer_detail_shows_archive_ageing_and_history(personas, ledger):
    client = personas["dm_hangzhou"].web()
    url = reverse("customers:customer_edit", kwargs={"pk": ledger["hz"].pk})
    form = client.get(url).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update({"credit_limit": "20000.00", "industry": "金融服务"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]

    response = client.get(reverse("customers:customer_detail", kwargs={"pk": ledger["hz"].pk}))
    assert response.status_code == 200
    assert response.context["balance"]["open"] == Decimal("850.50")
    ageing = response.context["ageing"]
    assert ageing.totals["total"] == Decimal("850.50")
    assert ageing.totals["buckets"]["d61_90"] == Decimal("600.00")  # what is left of the old invoice
    latest = response.context["history"][0]
    assert latest["who"] == "dm_hangzhou"
    changed = {str(c["field"]): (c["old"], c["new"]) for c in latest["changes"]}
    assert changed[str(Customer._meta.get_field("credit_limit").verbose_name)] == (Decimal("0.00"), Decimal("20000.00"))
    assert str(Customer._meta.get_field("industry").verbose_name) in changed
    assert "金融服务" in response.content.decode()


def test_create_form_shows_service_refusal_on_the_field(personas, units):
    client = personas["dm_hangzhou"].web()
    data = {
        "name": "杭州测试有限公司",
        "kind": "enterprise",
        "credit_code": "91330100MA27XK9G1A",  # wrong check character
        "district": units["330100"].pk,
        "credit_limit": "0",
        "status": "active",
    }
    response = client.post(reverse("customers:customer_create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["credit_code"]
    assert not Customer.objects.filter(name="杭州测试有限公司").exists()

    data["credit_code"] = code("91330100MA27XK9G1")
    data["contact_name"] = "王伟"
    response = client.post(reverse("customers:customer_create"), data)
    assert response.status_code == 302
    customer = Customer.objects.get(name="杭州测试有限公司")
    assert customer.contacts.get().name == "王伟"


def test_create_form_offers_only_districts_in_scope(personas, units):
    response = (
        personas["dm_hangzhou"]
        .web()
        .post(
            reverse("customers:customer_create"),
            {
                "name": "越界有限公司",
                "kind": "enterprise",
                "district": units["440100"].pk,
                "credit_limit": "0",
                "status": "active",
            },
        )
    )
    assert response.status_code == 400 and "district" in response.context["form"].errors


def test_ageing_drill_down_and_scope(personas, ledger, units):
    client = personas["rm_east"].web()
    response = client.get(reverse("customers:ageing"))
    assert response.status_code == 200
    report = response.context["report"]
    assert report.group_by == "province"
    assert [row["label"] for row in report.rows] == ["浙江省"]
    assert report.totals["total"] == Decimal("1150.50")
    # Follow the links down: province → district → salesperson → customer → invoice.
    url = report.rows[0]["url"]
    for expected in ("district", "salesperson", "customer", "invoice"):
        response = client.get(url)
        assert response.status_code == 200, url
        report = response.context["report"]
        assert report.group_by == expected
        assert report.totals["total"] > 0
        row = next(r for r in report.rows if r["key"] is not None)
        url = row["url"]
    assert url == reverse("customers:invoice_detail", kwargs={"pk": row["key"]})

    # Outside the scope: another region's unit, a salesperson or customer of it → 404.
    assert client.get(reverse("customers:ageing"), {"unit": units["440100"].pk}).status_code == 404
    assert client.get(reverse("customers:ageing"), {"customer": ledger["gz"].pk}).status_code == 404
    assert client.get(reverse("customers:ageing_export"), {"unit": units["440000"].pk}).status_code == 404
    # Bad input is a 400 naming the problem, not a 500.
    assert client.get(reverse("customers:ageing"), {"as_of": "2026-13-45"}).status_code == 400
    assert client.get(reverse("customers:ageing"), {"by": "planet"}).status_code == 400


def test_ageing_export_contains_only_the_managers_rows(personas, ledger):
    def workbook_text(persona, **params):
        response = personas[persona].web().get(reverse("customers:ageing_export"), {"by": "customer", **params})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(io.BytesIO(response.content)).active
        return [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]

    east = workbook_text("rm_east")
    flat = " ".join(str(cell) for row in east for cell in row if cell is not None)
    assert "杭州恒泰科技有限公司" in flat and "杭州西子贸易有限公司" in flat
    assert "广州" not in flat and "9999.99" not in flat
    assert east[-1][-1] == pytest.approx(1150.50)  # the totals row, numeric

    everyone = " ".join(str(cell) for row in workbook_text("director") for cell in row if cell is not None)
    assert "广州珠江物流有限公司" in everyone

    # A rep's export holds only their own customers' invoices.
    own = " ".join(str(cell) for row in workbook_text("rep_hangzhou") for cell in row if cell is not None)
    assert "杭州恒泰科技有限公司" in own and "杭州西子贸易有限公司" not in own


def test_invoice_cancel_from_the_page(personas, ledger):
    invoice = InvoiceFactory(customer=ledger["hz2"], amount="50.00")
    url = reverse("customers:invoice_detail", kwargs={"pk": invoice.pk})
    assert personas["dm_guangzhou"].web().post(url, {"reason": "x"}).status_code == 404
    client = personas["dm_hangzhou"].web()
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "开票信息有误"})
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == "cancelled" and invoice.cancel_reason == "开票信息有误"
    # An invoice with payments allocated is refused with the service's message on the page.
    response = client.post(reverse("customers:invoice_detail", kwargs={"pk": ledger["old"].pk}), {"reason": "重开"})
    assert response.status_code == 400
    assert Invoice.objects.get(pk=ledger["old"].pk).status != "cancelled"


def test_collection_plan_follow_up_and_progress(personas, ledger):
    today = timezone.localdate()
    plan = services.collection_plan_create(
        by=SYSTEM,
        customer=ledger["hz2"],
        owner=personas["dm_hangzhou"].staff,
        lines=[
            {"due_on": today - timedelta(days=1), "amount": "100.00"},
            {"due_on": today + timedelta(days=30), "amount": "200.00"},
        ],
    )
    PaymentFactory(customer=ledger["hz2"], received_on=today, amount="80.00")
    client = personas["dm_hangzhou"].web()
    url = reverse("customers:collectionplan_detail", kwargs={"pk": plan.pk})
    response = client.get(url)
    assert response.status_code == 200
    progress = response.context["progress"]
    assert progress["planned_to_date"] == Decimal("100.00") and progress["collected"] == Decimal("80.00")
    assert progress["shortfall"] == Decimal("20.00")
    assert client.post(url, {"note": "电话催收，客户承诺月底付款"}).status_code == 302
    assert plan.follow_ups.get().by == personas["dm_hangzhou"].staff
    assert personas["dm_guangzhou"].web().post(url, {"note": "x"}).status_code == 404


def test_navigation_has_the_new_entries(personas):
    response = personas["rep_hangzhou"].web().get(reverse("customers:customer_list"))
    urls = [url for _label, url in response.context["nav_items"]]
    assert reverse("customers:customer_list") in urls
    assert reverse("customers:ageing") in urls
    assert reverse("customers:import") in urls


def test_demo_ledger_keeps_the_invariants(personas):
    """A small demo load: invoiced − allocated = open per district (checked against the ageing
    selector), no allocation beyond its invoice, paid exactly when fully allocated; idempotent."""
    from django.db.models import F, Sum

    from customers.demo import load_demo_customers
    from customers.models import Allocation, Payment
    from customers.selectors import ageing_for_unit
    from regions.models import OrgUnit

    today = date(2026, 3, 15)
    counts = load_demo_customers(customers=40, months=6, today=today, plans=3)
    assert counts["customers"] == 40 and counts["invoices"] > 0 and counts["payments"] > 0
    assert load_demo_customers(customers=40, months=6, today=today)["customers"] == 0  # idempotent
    assert Customer.objects.filter(external_id__startswith="DEMO-").count() == 40

    live = Invoice.objects.exclude(status="cancelled")
    over = live.annotate(paid_in=Sum("allocations__amount")).filter(paid_in__gt=F("amount"))
    assert not over.exists()
    paid = Invoice.objects.filter(status="paid").annotate(paid_in=Sum("allocations__amount"))
    assert all(i.paid_in == i.amount for i in paid)
    # The figure the postings keep (today's ageing reads it) is what the demo's allocations pay.
    for invoice in Invoice.objects.annotate(paid_in=Sum("allocations__amount")):
        assert invoice.allocated == (invoice.paid_in or 0), invoice
    assert not Allocation.objects.filter(invoice__status="cancelled").exists()
    for payment in Payment.objects.annotate(allocated=Sum("allocations__amount")):
        assert (payment.allocated or 0) <= payment.amount
    director = personas["director"].user
    for district in OrgUnit.objects.filter(pk__in=live.values("district")):
        invoiced = live.filter(district=district, issue_date__lte=today).aggregate(t=Sum("amount"))["t"]
        allocated = Allocation.objects.filter(invoice__district=district).aggregate(t=Sum("amount"))["t"] or 0
        report = ageing_for_unit(user=director, unit=district, as_of=today)
        assert report.totals["total"] == invoiced - allocated
