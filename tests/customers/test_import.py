"""Browser file import: upload → preview with row errors → commit, all or nothing, inside the scope."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from customers import imports
from customers.models import Customer, ImportJob, ImportStatus, Invoice, Payment
from customers.validators import credit_code_check_character
from tests.customers.factories import CustomerFactory

CUSTOMER_HEADER = "客户编号,客户名称,统一社会信用代码,客户类型,行业,省份,城市,地址,地办编码,业务员工号,重要客户,信用额度"


def credit_code(body="91330100MA27XK9G1"):
    return body + credit_code_check_character(body)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, kind, content, name="data.csv"):
    file = SimpleUploadedFile(name, content)
    return client.post(reverse("customers:import"), {"kind": kind, "file": file})


def job_of(response):
    assert response.status_code == 302, response.content[:2000]
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def customers_csv(rows, header=CUSTOMER_HEADER, encoding="utf-8"):
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


def test_valid_csv_previews_then_commit_writes_the_rows(personas):
    rep = personas["rep_hangzhou"]
    client = personas["dm_hangzhou"].web()
    content = customers_csv(
        [
            f"IMP-1,杭州恒泰科技有限公司,{credit_code()},企业,信息技术,浙江省,杭州市,解放路1号,330100,{rep.staff.employee_no},是,500000.00",
            "IMP-2,杭州西湖理财工作室,,个人,,浙江省,杭州市,,330100,,否,0",
        ]
    )
    job = job_of(upload(client, "customers", content))
    assert job.status == ImportStatus.VALIDATED
    assert job.total_rows == 2 and job.errors == []
    assert not Customer.objects.filter(external_id__in=["IMP-1", "IMP-2"]).exists()  # nothing before the commit

    page = client.get(reverse("customers:import_job", kwargs={"pk": job.pk}))
    assert page.status_code == 200
    assert "杭州恒泰科技有限公司" in page.content.decode()  # the preview

    response = client.post(reverse("customers:import_job", kwargs={"pk": job.pk}))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED
    assert job.result == {"created": 2, "updated": 0, "unchanged": 0}
    first = Customer.objects.get(external_id="IMP-1")
    assert first.salesperson == rep.staff and first.is_key and first.credit_limit == Decimal("500000.00")
    assert first.credit_code == credit_code() and first.name_initials == "hzhtkjyxgs"
    assert Customer.objects.get(external_id="IMP-2").kind == "individual"

    # Committing again changes nothing; importing the same file again leaves every row unchanged.
    imports.job_commit(job_id=job.pk)
    assert Customer.objects.filter(external_id__startswith="IMP-").count() == 2
    again = job_of(upload(client, "customers", content))
    client.post(reverse("customers:import_job", kwargs={"pk": again.pk}))
    again.refresh_from_db()
    assert again.result == {"created": 0, "updated": 0, "unchanged": 2}


def test_one_bad_row_writes_nothing_and_names_row_and_column(personas):
    client = personas["dm_hangzhou"].web()
    customer = CustomerFactory(external_id="C-OK")
    content = (
        "发票编号,客户编号,开票日期,到期日,金额,业务员工号\n"
        "INV-1,C-OK,2026-01-10,2026-02-10,1000.00,\n"
        "INV-2,C-OK,2026-01-11,2026-02-11,12.345,\n"
        "INV-3,C-OK,2026/01/12,2026/01/01,5,\n"
    ).encode()
    job = job_of(upload(client, "invoices", content))
    assert job.status == ImportStatus.FAILED
    assert {"row": 3, "column": "金额", "message": "The amount 12.345 has more than two decimals."} in job.errors or any(
        e["row"] == 3 and e["column"] == "金额" for e in job.errors
    )
    assert any(e["row"] == 4 and e["column"] == "到期日" for e in job.errors)
    page = client.get(reverse("customers:import_job", kwargs={"pk": job.pk})).content.decode()
    assert "12.345" in page and "金额" in page

    client.post(reverse("customers:import_job", kwargs={"pk": job.pk}))  # a failed job cannot be committed
    assert not Invoice.objects.filter(customer=customer).exists()


def test_a_refusal_at_commit_rolls_back_every_row(personas, settings):
    """A rule only the service knows (the credit limit, refused by policy) fails the whole file."""
    settings.CREDIT_LIMIT_POLICY = "refuse"
    client = personas["dm_hangzhou"].web()
    CustomerFactory(external_id="C-LIM", credit_limit=Decimal("1500.00"))
    content = (
        "发票编号,客户编号,开票日期,到期日,金额\nL-1,C-LIM,2026-01-10,2026-02-10,1000.00\nL-2,C-LIM,2026-01-11,2026-02-11,1000.00\n"
    ).encode()
    job = job_of(upload(client, "invoices", content))
    assert job.status == ImportStatus.VALIDATED
    client.post(reverse("customers:import_job", kwargs={"pk": job.pk}))
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.errors[0]["row"] == 3 and job.errors[0]["column"] == "金额"
    assert not Invoice.objects.filter(external_id__in=["L-1", "L-2"]).exists()


def test_not_a_spreadsheet_is_a_clear_error(personas):
    client = personas["dm_hangzhou"].web()
    job = job_of(upload(client, "customers", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, name="photo.xlsx"))
    assert job.status == ImportStatus.FAILED
    assert job.errors[0]["row"] == 0
    assert "not a readable Excel workbook" in job.errors[0]["message"] or "不是" in job.errors[0]["message"]

    job = job_of(upload(client, "customers", b"%PDF-1.7 hello", name="report.pdf"))
    assert job.status == ImportStatus.FAILED and job.errors[0]["row"] == 0


def test_nul_bytes_are_refused(personas):
    client = personas["dm_hangzhou"].web()
    job = job_of(upload(client, "customers", customers_csv(["X-1,名\x00称,,,,,,,330100,,,"])))
    assert job.status == ImportStatus.FAILED
    assert job.errors[0]["row"] == 0 and "NUL" in job.errors[0]["message"]
    assert not Customer.objects.filter(external_id="X-1").exists()


def test_missing_columns_are_named(personas):
    client = personas["dm_hangzhou"].web()
    job = job_of(upload(client, "customers", "客户编号,行业\nC-1,制造业\n".encode()))
    assert job.status == ImportStatus.FAILED
    message = job.errors[0]["message"]
    assert "客户名称" in message and "地办编码" in message and "客户编号" not in message


def test_gb18030_csv_and_english_headers(personas):
    client = personas["dm_hangzhou"].web()
    content = customers_csv(
        ["GB-1,杭州钱塘贸易有限公司,330100"], header="Customer number,Customer name,District office code", encoding="gb18030"
    )
    job = job_of(upload(client, "customers", content))
    assert job.status == ImportStatus.VALIDATED, job.errors
    client.post(reverse("customers:import_job", kwargs={"pk": job.pk}))
    assert Customer.objects.get(external_id="GB-1").name == "杭州钱塘贸易有限公司"


def test_xlsx_file_with_typed_cells(personas):
    client = personas["dm_hangzhou"].web()
    CustomerFactory(external_id="C-X")
    book = Workbook()
    sheet = book.active
    sheet.append(["回款编号", "客户编号", "到账日期", "金额", "方式", "参考号"])
    sheet.append(["P-1", "C-X", date(2026, 3, 1), 1234.5, "支票", 20260301])
    buffer = io.BytesIO()
    book.save(buffer)
    job = job_of(upload(client, "payments", buffer.getvalue(), name="payments.xlsx"))
    assert job.status == ImportStatus.VALIDATED, job.errors
    client.post(reverse("customers:import_job", kwargs={"pk": job.pk}))
    payment = Payment.objects.get(external_id="P-1")
    assert payment.amount == Decimal("1234.50") and payment.method == "cheque" and payment.reference == "20260301"
    assert payment.received_on == date(2026, 3, 1)


def test_references_resolve_only_inside_the_scope(personas):
    """杭州's district manager cannot create customers in 广州 nor bill a 广州 customer."""
    client = personas["dm_hangzhou"].web()
    CustomerFactory(external_id="C-GZ", district=personas["dm_guangzhou"].staff.unit)
    job = job_of(upload(client, "customers", customers_csv(["S-1,广州某公司,,,,,,,440100,,,"])))
    assert job.status == ImportStatus.FAILED and job.errors[0]["column"] == "地办编码"
    job = job_of(
        upload(client, "invoices", "发票编号,客户编号,开票日期,到期日,金额\nS-2,C-GZ,2026-01-01,2026-02-01,10\n".encode())
    )
    assert job.status == ImportStatus.FAILED and job.errors[0]["column"] == "客户编号"
    assert not Customer.objects.filter(external_id="S-1").exists()


def test_outsiders_do_not_see_a_job(personas):
    job = job_of(upload(personas["dm_hangzhou"].web(), "customers", customers_csv(["O-1,杭州某公司,,,,,,,330100,,,"])))
    assert personas["dm_guangzhou"].web().get(reverse("customers:import_job", kwargs={"pk": job.pk})).status_code == 404
    assert personas["dm_guangzhou"].web().post(reverse("customers:import_job", kwargs={"pk": job.pk})).status_code == 404
    assert not Customer.objects.filter(external_id="O-1").exists()


def test_large_file_goes_through_the_tasks_with_progress(personas, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_SYNC_MAX_ROWS = 2
    client = personas["dm_hangzhou"].web()
    rows = [f"BIG-{n},杭州大批客户{n}有限公司,,,,,,,330100,,," for n in range(5)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(client, "customers", customers_csv(rows))
    assert len(callbacks) == 1  # validation was queued, not done in the request
    job = job_of(response)
    assert job.status == ImportStatus.VALIDATED and job.total_rows == 5 and job.processed_rows == 5

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(reverse("customers:import_job", kwargs={"pk": job.pk}))
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED
    assert Customer.objects.filter(external_id__startswith="BIG-").count() == 5

    # The task run twice (a redelivery) writes nothing more.
    from customers.tasks import import_commit

    import_commit.delay(job.pk)
    assert Customer.objects.filter(external_id__startswith="BIG-").count() == 5
    progress = client.get(reverse("customers:import_job_progress", kwargs={"pk": job.pk}), HTTP_HX_REQUEST="true")
    assert progress.status_code == 200 and progress["HX-Refresh"] == "true"


def test_templates_have_chinese_headers(personas):
    client = personas["rep_hangzhou"].web()
    response = client.get(reverse("customers:import_template", kwargs={"kind": "invoices", "fmt": "xlsx"}))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["发票编号", "客户编号", "开票日期", "到期日", "金额", "业务员工号", "渠道编号"]
    response = client.get(reverse("customers:import_template", kwargs={"kind": "payments", "fmt": "csv"}))
    assert response.content.decode("utf-8-sig").splitlines()[0] == "回款编号,客户编号,到账日期,金额,方式,参考号"
    # The example row of the customer template passes the check as it is.
    parsed = imports.parse(kind="customers", data=imports.template_csv("customers"), filename="t.csv")
    assert parsed.errors == []
