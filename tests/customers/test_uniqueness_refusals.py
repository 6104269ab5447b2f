"""Refusing a company-wide unique value must not reveal another district's records (issue 12, item 16).

A key of 杭州 (330100) pushing a credit code or an external id held in 广州 (440100) is told that the
value cannot be used — not that it "belongs to another customer", nor the 广州 record's name, number or
district. Checked on the single endpoints, the bulk endpoints, a PATCH and the file import.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from customers.models import Customer, ImportJob, Invoice, Payment
from customers.validators import credit_code_check_character
from tests.customers.factories import CustomerFactory, InvoiceFactory, PaymentFactory

GZ_CODE_BODY = "91440100972007899"
GZ_CODE = GZ_CODE_BODY + credit_code_check_character(GZ_CODE_BODY)
GZ_NAME = "广州秘密客户有限公司"
# Nothing of the 广州 records, and no wording that confirms whose the value is.
LEAKS = [GZ_NAME, GZ_CODE, "GZ-", "440100", "广州", "其他客户", "其他记录", "another", "belongs"]
EXTERNAL_ID_TAKEN = "该外部编号不能使用：外部编号在全公司唯一，请在编号前加上本地办代码（如 330100-INV-0001）。"
CREDIT_CODE_TAKEN = "该统一社会信用代码不能使用；请核对，或联系开发中心。"


@pytest.fixture
def guangzhou(units):
    customer = CustomerFactory(name=GZ_NAME, district=units["440100"], external_id="GZ-C-1", credit_code=GZ_CODE)
    InvoiceFactory(customer=customer, external_id="GZ-I-1")
    PaymentFactory(customer=customer, external_id="GZ-P-1")
    return customer


@pytest.fixture
def hangzhou_customer(units):
    return CustomerFactory(name="杭州本地客户", district=units["330100"], external_id="HZ-C-1")


def assert_no_leak(text, expected):
    assert expected in text, text
    for leak in LEAKS:
        assert leak not in text, (leak, text)


def test_single_creates_and_a_patch(personas, guangzhou, hangzhou_customer):
    client = personas["key_hangzhou"].api()
    cases = [
        (
            "/api/v1/customers/",
            {"name": "甲", "district_code": "330100", "credit_code": GZ_CODE},
            "credit_code",
            CREDIT_CODE_TAKEN,
        ),
        (
            "/api/v1/customers/",
            {"name": "甲", "district_code": "330100", "external_id": "GZ-C-1"},
            "external_id",
            EXTERNAL_ID_TAKEN,
        ),
        (
            "/api/v1/invoices/",
            {
                "customer_external_id": "HZ-C-1",
                "external_id": "GZ-I-1",
                "issue_date": "2025-03-01",
                "due_date": "2025-04-01",
                "amount": "10.00",
            },
            "external_id",
            EXTERNAL_ID_TAKEN,
        ),
        (
            "/api/v1/payments/",
            {"customer_external_id": "HZ-C-1", "external_id": "GZ-P-1", "received_on": "2025-03-01", "amount": "10.00"},
            "external_id",
            EXTERNAL_ID_TAKEN,
        ),
    ]
    for url, body, field, expected in cases:
        response = client.post(url, body, format="json")
        assert response.status_code == 409, (url, response.content)
        assert list(response.json()["errors"]) == [field]
        assert_no_leak(response.content.decode(), expected)
    response = client.patch(f"/api/v1/customers/{hangzhou_customer.pk}/", {"credit_code": GZ_CODE}, format="json")
    assert response.status_code == 409
    assert_no_leak(response.content.decode(), CREDIT_CODE_TAKEN)
    assert Customer.objects.count() == 2 and Invoice.objects.count() == 1 and Payment.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "record", "expected"),
    [
        ("customer-bulk", {"external_id": "GZ-C-1", "name": "甲", "district_code": "330100"}, EXTERNAL_ID_TAKEN),
        (
            "customer-bulk",
            {"external_id": "HZ-NEW", "name": "甲", "district_code": "330100", "credit_code": GZ_CODE},
            CREDIT_CODE_TAKEN,
        ),
        (
            "invoice-bulk",
            {
                "external_id": "GZ-I-1",
                "customer_external_id": "HZ-C-1",
                "issue_date": "2025-03-01",
                "due_date": "2025-04-01",
                "amount": "1.00",
            },
            EXTERNAL_ID_TAKEN,
        ),
        (
            "payment-bulk",
            {"external_id": "GZ-P-1", "customer_external_id": "HZ-C-1", "received_on": "2025-03-01", "amount": "1.00"},
            EXTERNAL_ID_TAKEN,
        ),
    ],
)
def test_bulk_rows(personas, guangzhou, hangzhou_customer, name, record, expected):
    response = personas["key_hangzhou"].api().post(reverse(name), {"records": [record]}, format="json")
    assert response.status_code == 400
    assert response.json()["results"][0]["errors"]
    assert_no_leak(response.content.decode().replace('"GZ-', '"x'), expected)  # the row echoes its own id; no more
    assert Customer.objects.count() == 2 and Invoice.objects.count() == 1 and Payment.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "content", "expected"),
    [
        ("customers", f"客户编号,客户名称,统一社会信用代码,地办编码\nHZ-NEW,甲,{GZ_CODE},330100\n", CREDIT_CODE_TAKEN),
        ("customers", "客户编号,客户名称,地办编码\nGZ-C-1,甲,330100\n", EXTERNAL_ID_TAKEN),
        ("invoices", "发票编号,客户编号,开票日期,到期日,金额\nGZ-I-1,HZ-C-1,2025-03-01,2025-04-01,1.00\n", EXTERNAL_ID_TAKEN),
        ("payments", "回款编号,客户编号,到账日期,金额\nGZ-P-1,HZ-C-1,2025-03-01,1.00\n", EXTERNAL_ID_TAKEN),
    ],
)
def test_the_file_import(personas, guangzhou, hangzhou_customer, settings, tmp_path, kind, content, expected):
    settings.MEDIA_ROOT = tmp_path
    client = personas["dm_hangzhou"].web()
    file = SimpleUploadedFile("data.csv", content.encode())
    response = client.post(reverse("customers:import"), {"kind": kind, "file": file})
    job = ImportJob.objects.get()
    messages = " ".join(error["message"] for error in job.errors)
    assert_no_leak(messages, expected)
    page = client.get(reverse("customers:import_job", kwargs={"pk": job.pk})).content.decode()
    assert expected in page and GZ_NAME not in page and "其他客户" not in page
    assert response.status_code == 302
    assert Customer.objects.count() == 2 and Invoice.objects.count() == 1 and Payment.objects.count() == 1
