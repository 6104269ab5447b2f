"""Payment detail with reversal, recording a payment, and creating a collection plan in the browser.
Scope (200 inside, 404 outside) of the payment detail page for every persona is covered by
tests/test_scoping_contract.py through the registry; here, the pages' own behaviour."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core import roles
from customers.choices import InvoiceStatus, PaymentStatus
from customers.models import Allocation, CollectionPlan, CollectionPlanLine, Payment
from tests.customers.factories import CustomerFactory, InvoiceFactory, PaymentFactory


@pytest.fixture
def ledger(personas, units):
    """A 杭州 customer of rep_hangzhou with two invoices (older due first) and one paid in full; a 广州 customer."""
    today = timezone.localdate()
    hz = CustomerFactory(name="杭州恒泰科技有限公司", district=units["330100"], salesperson=personas["rep_hangzhou"].staff)
    gz = CustomerFactory(name="广州珠江物流有限公司", district=units["440100"])
    older = InvoiceFactory(
        customer=hz, issue_date=today - timedelta(days=90), due_date=today - timedelta(days=60), amount="1000.00"
    )
    newer = InvoiceFactory(
        customer=hz, issue_date=today - timedelta(days=10), due_date=today + timedelta(days=20), amount="500.00"
    )
    gz_invoice = InvoiceFactory(
        customer=gz, issue_date=today - timedelta(days=30), due_date=today + timedelta(days=10), amount="700.00"
    )
    return {"hz": hz, "gz": gz, "older": older, "newer": newer, "gz_invoice": gz_invoice, "today": today}


def _pays_older(ledger):
    return PaymentFactory(customer=ledger["hz"], received_on=ledger["today"] - timedelta(days=2), amount="1200.00")


def _management(prefix, total=3):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0"}


# ------------------------------------------------------------------------------------ payment detail


def test_payment_detail_shows_allocations_and_credit(personas, ledger):
    payment = _pays_older(ledger)
    response = personas["dm_hangzhou"].web().get(reverse("customers:payment_detail", kwargs={"pk": payment.pk}))
    assert response.status_code == 200
    allocations = list(response.context["allocations"])
    assert [(a.invoice_id, a.amount) for a in allocations] == [
        (ledger["older"].pk, Decimal("1000.00")),
        (ledger["newer"].pk, Decimal("200.00")),
    ]
    assert response.context["unallocated"] == Decimal("0.00")
    html = response.content.decode()
    assert reverse("customers:invoice_detail", kwargs={"pk": ledger["older"].pk}) in html
    assert "reverse_form" in response.context


def test_payment_rows_link_to_the_detail(personas, ledger):
    payment = _pays_older(ledger)
    url = reverse("customers:payment_detail", kwargs={"pk": payment.pk})
    client = personas["dm_hangzhou"].web()
    assert url in client.get(reverse("customers:payment_list")).content.decode()
    assert url in client.get(reverse("customers:customer_detail", kwargs={"pk": ledger["hz"].pk})).content.decode()


def test_reversal_through_the_page_reopens_the_invoice(personas, ledger):
    payment = _pays_older(ledger)
    older = ledger["older"]
    older.refresh_from_db()
    assert older.status == InvoiceStatus.PAID
    url = reverse("customers:payment_detail", kwargs={"pk": payment.pk})
    response = personas["dm_hangzhou"].web().post(url, {"reason": "退票"})
    assert response.status_code == 302 and response["Location"] == url
    older.refresh_from_db()
    assert older.status == InvoiceStatus.OPEN
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REVERSED and payment.reverse_reason == "退票"
    allocation = Allocation.objects.get(payment=payment, invoice=older)
    assert allocation.reversed_on == ledger["today"]
    # The page now shows the reversal, no reverse form, and nothing allocated.
    page = personas["dm_hangzhou"].web().get(url)
    assert "reverse_form" not in page.context
    assert page.context["object"].allocated == Decimal("0.00")


def test_reversal_without_reason_is_400_on_the_field(personas, ledger):
    payment = _pays_older(ledger)
    url = reverse("customers:payment_detail", kwargs={"pk": payment.pk})
    response = personas["dm_hangzhou"].web().post(url, {"reason": "  "})
    assert response.status_code == 400
    assert response.context["reverse_form"].errors["reason"]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.POSTED


def test_reversal_before_receipt_is_400_on_the_date(personas, ledger):
    payment = _pays_older(ledger)
    url = reverse("customers:payment_detail", kwargs={"pk": payment.pk})
    early = (ledger["today"] - timedelta(days=30)).isoformat()
    response = personas["dm_hangzhou"].web().post(url, {"reason": "错账", "on": early})
    assert response.status_code == 400
    assert response.context["reverse_form"].errors["on"]
    assert Allocation.objects.filter(payment=payment, reversed_on__isnull=False).count() == 0


def test_read_only_persona_gets_403_on_post(personas, ledger, monkeypatch):
    payment = _pays_older(ledger)
    # No role in the table is read-only on payments today, so take the right away from district managers.
    spec = roles.ROLE_TABLE[roles.Role.DISTRICT_MANAGER]
    monkeypatch.setitem(
        roles.ROLE_TABLE,
        roles.Role.DISTRICT_MANAGER,
        roles.RoleSpec(sees=spec.sees, may=spec.may - {"payment.change"}, home=spec.home),
    )
    client = personas["dm_hangzhou"].web()
    url = reverse("customers:payment_detail", kwargs={"pk": payment.pk})
    page = client.get(url)
    assert page.status_code == 200 and "reverse_form" not in page.context
    assert client.post(url, {"reason": "退票"}).status_code == 403
    assert client.get(reverse("customers:payment_create")).status_code == 403
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.POSTED


def test_out_of_scope_persona_gets_404(personas, ledger):
    payment = _pays_older(ledger)
    url = reverse("customers:payment_detail", kwargs={"pk": payment.pk})
    client = personas["dm_guangzhou"].web()
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "退票"}).status_code == 404
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.POSTED
    # A rep of the same district, but not the customer's salesperson, is outside too.
    assert personas["rep_hangzhou_2"].web().get(url).status_code == 404


# ------------------------------------------------------------------------------------ record payment


def test_record_payment_page_allocates_oldest_due_first(personas, ledger):
    client = personas["rep_hangzhou"].web()
    url = reverse("customers:payment_create")
    page = client.get(url, {"customer": ledger["hz"].pk})
    assert page.status_code == 200
    assert page.context["customer"] == ledger["hz"]
    # <input type="date"> needs an ISO value whatever the language's date format.
    assert f'value="{ledger["today"].isoformat()}"' in page.content.decode()
    data = {
        "customer": ledger["hz"].pk,
        "received_on": ledger["today"].isoformat(),
        "amount": "1100.00",
        "method": "bank_transfer",
        "reference": "网银 0001",
        **_management("allocations"),
    }
    response = client.post(url, data)
    assert response.status_code == 302
    payment = Payment.objects.get(reference="网银 0001")
    assert response["Location"] == reverse("customers:payment_detail", kwargs={"pk": payment.pk})
    rows = list(payment.allocations.order_by("id").values_list("invoice_id", "amount"))
    assert rows == [(ledger["older"].pk, Decimal("1000.00")), (ledger["newer"].pk, Decimal("100.00"))]
    detail = client.get(response["Location"])
    assert [a.invoice_id for a in detail.context["allocations"]] == [ledger["older"].pk, ledger["newer"].pk]


def test_record_payment_with_explicit_allocation_keeps_the_rest_as_credit(personas, ledger):
    client = personas["dm_hangzhou"].web()
    data = {
        "customer": ledger["hz"].pk,
        "received_on": ledger["today"].isoformat(),
        "amount": "800.00",
        "method": "cheque",
        "reference": "支票 77",
        **_management("allocations"),
        "allocations-0-invoice": ledger["newer"].pk,
        "allocations-0-amount": "300.00",
    }
    response = client.post(reverse("customers:payment_create"), data)
    assert response.status_code == 302
    payment = Payment.objects.get(reference="支票 77")
    assert list(payment.allocations.values_list("invoice_id", "amount")) == [(ledger["newer"].pk, Decimal("300.00"))]
    detail = client.get(response["Location"])
    assert detail.context["unallocated"] == Decimal("500.00")


def test_record_payment_over_allocation_is_400_and_writes_nothing(personas, ledger):
    data = {
        "customer": ledger["hz"].pk,
        "received_on": ledger["today"].isoformat(),
        "amount": "800.00",
        "method": "bank_transfer",
        **_management("allocations"),
        "allocations-0-invoice": ledger["newer"].pk,
        "allocations-0-amount": "600.00",  # the invoice is 500.00
    }
    response = personas["dm_hangzhou"].web().post(reverse("customers:payment_create"), data)
    assert response.status_code == 400
    assert response.context["formset"].non_form_errors()
    assert not Payment.objects.filter(customer=ledger["hz"]).exists()


def test_record_payment_refuses_a_customer_out_of_scope(personas, ledger):
    client = personas["dm_hangzhou"].web()
    url = reverse("customers:payment_create")
    assert client.get(url, {"customer": ledger["gz"].pk}).status_code == 404
    data = {
        "customer": ledger["gz"].pk,
        "received_on": ledger["today"].isoformat(),
        "amount": "100.00",
        "method": "bank_transfer",
        **_management("allocations"),
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors["customer"]
    assert not Payment.objects.filter(customer=ledger["gz"]).exists()


def test_record_payment_negative_amount_is_400_on_the_field(personas, ledger):
    data = {
        "customer": ledger["hz"].pk,
        "received_on": ledger["today"].isoformat(),
        "amount": "-5.00",
        "method": "bank_transfer",
        **_management("allocations"),
    }
    response = personas["dm_hangzhou"].web().post(reverse("customers:payment_create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["amount"]
    assert not Payment.objects.exists()


# ---------------------------------------------------------------------------------- collection plans


def _plan_data(ledger, owner, **extra):
    return {
        "customer": ledger["hz"].pk,
        "owner": owner.pk,
        "note": "月底前电话催收",
        **_management("lines"),
        **extra,
    }


def test_collection_plan_create_with_two_lines(personas, ledger):
    client = personas["dm_hangzhou"].web()
    url = reverse("customers:collectionplan_create")
    page = client.get(url, {"customer": ledger["hz"].pk, "invoice": ledger["older"].pk})
    assert page.status_code == 200
    assert page.context["form"]["invoice"].initial == ledger["older"].pk
    owners = set(page.context["form"].fields["owner"].queryset)
    assert personas["rep_hangzhou"].staff in owners and personas["dm_hangzhou"].staff in owners

    today = ledger["today"]
    data = _plan_data(
        ledger,
        personas["rep_hangzhou"].staff,
        invoice=ledger["older"].pk,
        **{
            "lines-0-due_on": (today + timedelta(days=10)).isoformat(),
            "lines-0-amount": "400.00",
            "lines-1-due_on": (today + timedelta(days=40)).isoformat(),
            "lines-1-amount": "600.00",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302
    plan = CollectionPlan.objects.get(customer=ledger["hz"])
    assert response["Location"] == reverse("customers:collectionplan_detail", kwargs={"pk": plan.pk})
    assert plan.invoice == ledger["older"] and plan.owner == personas["rep_hangzhou"].staff
    assert list(plan.lines.values_list("due_on", "amount")) == [
        (today + timedelta(days=10), Decimal("400.00")),
        (today + timedelta(days=40), Decimal("600.00")),
    ]


def test_collection_plan_bad_line_is_400_and_writes_nothing(personas, ledger):
    today = ledger["today"]
    data = _plan_data(
        ledger,
        personas["dm_hangzhou"].staff,
        **{
            "lines-0-due_on": (today + timedelta(days=10)).isoformat(),
            "lines-0-amount": "400.00",
            "lines-1-due_on": (today + timedelta(days=40)).isoformat(),
            "lines-1-amount": "-50.00",
        },
    )
    response = personas["dm_hangzhou"].web().post(reverse("customers:collectionplan_create"), data)
    assert response.status_code == 400
    assert response.context["formset"].forms[1].errors["amount"]
    assert not CollectionPlan.objects.exists()
    assert not CollectionPlanLine.objects.exists()


def test_collection_plan_without_lines_is_400(personas, ledger):
    data = _plan_data(ledger, personas["dm_hangzhou"].staff)
    response = personas["dm_hangzhou"].web().post(reverse("customers:collectionplan_create"), data)
    assert response.status_code == 400
    assert response.context["formset"].non_form_errors()
    assert not CollectionPlan.objects.exists()


def test_collection_plan_refuses_an_invoice_of_another_customer(personas, ledger, units):
    other = CustomerFactory(district=units["330100"])
    other_invoice = InvoiceFactory(customer=other, issue_date=ledger["today"], amount="100.00")
    client = personas["dm_hangzhou"].web()
    url = reverse("customers:collectionplan_create")
    assert client.get(url, {"customer": ledger["hz"].pk, "invoice": other_invoice.pk}).status_code == 404
    data = _plan_data(
        ledger,
        personas["dm_hangzhou"].staff,
        invoice=other_invoice.pk,
        **{"lines-0-due_on": ledger["today"].isoformat(), "lines-0-amount": "100.00"},
    )
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors["invoice"]
    assert not CollectionPlan.objects.exists()


def test_new_plan_buttons_follow_the_right(personas, ledger, monkeypatch):
    create = reverse("customers:collectionplan_create")
    client = personas["dm_hangzhou"].web()
    assert create in client.get(reverse("customers:collectionplan_list")).content.decode()
    assert create in client.get(reverse("customers:customer_detail", kwargs={"pk": ledger["hz"].pk})).content.decode()
    spec = roles.ROLE_TABLE[roles.Role.DISTRICT_MANAGER]
    monkeypatch.setitem(
        roles.ROLE_TABLE,
        roles.Role.DISTRICT_MANAGER,
        roles.RoleSpec(sees=spec.sees, may=spec.may - {"collection.change"}, home=spec.home),
    )
    assert create not in client.get(reverse("customers:collectionplan_list")).content.decode()
    assert create not in client.get(reverse("customers:customer_detail", kwargs={"pk": ledger["hz"].pk})).content.decode()
    assert client.get(create, {"customer": ledger["hz"].pk}).status_code == 403


@pytest.mark.parametrize("raw", ["abc", "99999999999999999999", "-1"])
def test_create_pages_answer_a_bad_customer_without_a_500(personas, ledger, raw):
    client = personas["director"].web()
    for name in ("customers:payment_create", "customers:collectionplan_create"):
        assert client.get(reverse(name), {"customer": raw}).status_code == 404
    data = {"customer": raw, "received_on": ledger["today"].isoformat(), "amount": "1.00", "method": "cash"}
    response = client.post(reverse("customers:payment_create"), {**data, **_management("allocations")})
    assert response.status_code == 400 and response.context["form"].errors["customer"]
    response = client.post(reverse("customers:collectionplan_create"), {"customer": raw, **_management("lines")})
    assert response.status_code == 400 and response.context["form"].errors["customer"]
    assert not Payment.objects.exists() and not CollectionPlan.objects.exists()
