"""The supported date range (2000-01-01 … 2099-12-31) and the plausibility windows, at every entry point.

Each entry point answers a date or period outside the range with a 400 that names the field and the range in
the user's language (zh-hans here), and writes nothing; implausible ledger dates (an invoice issued years
ahead) are refused the same way. The clock is pinned, so "N days after today" means the same on any date.
"""

from datetime import date, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.dates import check_supported_date
from core.errors import InvalidInput
from core.periods import Period, PeriodOutOfRange
from customers.models import ImportJob, ImportStatus, Invoice, Payment
from tests.customers.factories import CustomerFactory

RANGE_ZH = "日期须在 2000-01-01 至 2099-12-31 之间。"
NOW = datetime(2026, 12, 4, 10, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned")]


@pytest.fixture
def pinned():
    with time_machine.travel(NOW, tick=True):
        yield


def _refused(response, field, text=RANGE_ZH):
    assert response.status_code == 400, response.content[:500]
    errors = response.json()["errors"]
    assert field in errors, errors
    assert any(text in message for message in errors[field]), errors


def test_the_helpers_refuse_outside_the_range_and_periods_too():
    assert check_supported_date(date(2000, 1, 1), field="d") == date(2000, 1, 1)
    assert check_supported_date(date(2099, 12, 31), field="d") == date(2099, 12, 31)
    for bad in (date(1, 1, 1), date(1999, 12, 31), date(2100, 1, 1), date(9999, 12, 31)):
        with pytest.raises(InvalidInput) as caught:
            check_supported_date(bad, field="as_of")
        assert caught.value.field == "as_of"
    for text in ("0001-01", "1999", "2100-Q1", "9999-12"):
        with pytest.raises(PeriodOutOfRange):
            Period.parse(text)
    assert str(Period.parse("2000-01").previous()) == "1999-12"  # arithmetic on a parsed period stays free


@pytest.mark.parametrize("as_of", ["0001-01-01", "1999-12-31", "2100-01-01", "9999-12-31"])
def test_ageing_api_page_and_export_refuse_far_dates(personas, as_of):
    client = personas["director"].api()
    _refused(client.get(reverse("report-ageing"), {"as_of": as_of}), "as_of")
    _refused(client.get(reverse("report-ageing"), {"as_of": as_of, "format": "xlsx"}), "as_of")
    web = personas["director"].web()
    page = web.get(reverse("customers:ageing"), {"as_of": as_of})
    assert page.status_code == 400 and RANGE_ZH in page.content.decode()
    export = web.get(reverse("customers:ageing_export"), {"as_of": as_of})
    assert export.status_code == 400


def test_customer_balance_refuses_far_dates(personas):
    customer = CustomerFactory()
    _refused(
        personas["director"].api().get(reverse("customer-balance", kwargs={"pk": customer.pk}), {"as_of": "0001-01-01"}),
        "as_of",
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("issue_date_after", "0001-01-01"), ("due_date_before", "2100-01-01")],
)
def test_list_filters_refuse_far_dates(personas, field, value):
    _refused(personas["director"].api().get(reverse("invoice-list"), {field: value}), field)


def test_invoice_and_payment_api_refuse_far_and_implausible_dates(personas, units):
    client = personas["key_hangzhou"].api()
    customer = CustomerFactory(district=units["330100"], external_id="D-C1")
    base = {"customer_external_id": "D-C1", "amount": "10.00"}
    for issue_date, due_date, field, text in [
        ("0001-01-01", "2026-12-31", "issue_date", RANGE_ZH),
        ("2026-11-01", "2100-01-01", "due_date", RANGE_ZH),
        ("2030-01-01", "2030-02-01", "issue_date", "天"),  # more than 31 days after today
    ]:
        response = client.post(reverse("invoice-list"), {**base, "issue_date": issue_date, "due_date": due_date}, format="json")
        _refused(response, field, text)
    assert not Invoice.objects.filter(customer=customer).exists()
    # Up to 31 days ahead is accepted (a month-end batch from a branch clock ahead of ours).
    response = client.post(reverse("invoice-list"), {**base, "issue_date": "2026-12-20", "due_date": "2027-01-20"}, format="json")
    assert response.status_code == 201, response.content
    for received_on in ("1999-01-01", "2026-12-31"):  # before the range; more than 7 days after today
        response = client.post(
            reverse("payment-list"), {"customer_external_id": "D-C1", "received_on": received_on, "amount": "5.00"}, format="json"
        )
        assert response.status_code == 400 and "received_on" in response.json()["errors"]
    assert not Payment.objects.filter(customer=customer).exists()


def test_bulk_api_gives_per_row_errors_and_writes_nothing(personas, units):
    client = personas["key_hangzhou"].api()
    CustomerFactory(district=units["330100"], external_id="D-C2")
    records = [
        {
            "external_id": "D-I1",
            "customer_external_id": "D-C2",
            "issue_date": "2026-11-01",
            "due_date": "2026-12-01",
            "amount": "1.00",
        },
        {
            "external_id": "D-I2",
            "customer_external_id": "D-C2",
            "issue_date": "0001-01-01",
            "due_date": "2026-12-01",
            "amount": "1.00",
        },
        {
            "external_id": "D-I3",
            "customer_external_id": "D-C2",
            "issue_date": "2030-01-01",
            "due_date": "2030-02-01",
            "amount": "1.00",
        },
    ]
    body = client.post(reverse("invoice-bulk"), {"records": records}, format="json").json()
    assert body["written"] is False
    results = body["results"]
    assert [row["result"] for row in results] == ["created", "error", "error"], results
    assert RANGE_ZH in results[1]["errors"]["issue_date"][0]
    assert "issue_date" in results[2]["errors"]
    assert not Invoice.objects.filter(external_id__startswith="D-I").exists()
    payments = [{"external_id": "D-P1", "customer_external_id": "D-C2", "received_on": "2099-12-31", "amount": "1.00"}]
    body = client.post(reverse("payment-bulk"), {"records": payments}, format="json").json()
    assert body["results"][0]["result"] == "error" and "received_on" in body["results"][0]["errors"]
    assert not Payment.objects.filter(external_id="D-P1").exists()


def test_import_names_the_row_and_column_of_far_dates(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    CustomerFactory(external_id="D-C3")
    content = (
        "发票编号,客户编号,开票日期,到期日,金额,业务员工号\n"
        "D-J1,D-C3,2026-11-10,2026-12-10,10.00,\n"
        "D-J2,D-C3,1899-12-31,2026-12-10,10.00,\n"
        "D-J3,D-C3,2030-01-10,2030-02-10,10.00,\n"
    ).encode()
    response = (
        personas["dm_hangzhou"]
        .web()
        .post(reverse("customers:import"), {"kind": "invoices", "file": SimpleUploadedFile("d.csv", content)})
    )
    assert response.status_code == 302, response.content[:1000]
    job = ImportJob.objects.latest("pk")
    assert job.status == ImportStatus.FAILED
    assert any(e["row"] == 3 and e["column"] == "开票日期" and RANGE_ZH in e["message"] for e in job.errors), job.errors
    assert any(e["row"] == 4 and e["column"] == "开票日期" for e in job.errors), job.errors
    assert not Invoice.objects.filter(external_id__startswith="D-J").exists()


def test_report_build_refuses_far_periods_and_queues_nothing(personas, units):
    from reports.models import ReportRun

    client = personas["director"].api()
    for period in ("0001-01", "1999-12"):
        response = client.post(
            reverse("businessreport-build"), {"unit": units["HD"].pk, "period": period, "kind": "monthly"}, format="json"
        )
        _refused(response, "period")
    assert not ReportRun.objects.exists()
    page = (
        personas["director"]
        .web()
        .post(reverse("reports:report_build"), {"unit": units["HD"].pk, "period": "0001-01", "kind": "monthly"})
    )
    assert page.status_code == 400 and not ReportRun.objects.exists()


def test_plans_targets_and_budgets_refuse_far_periods(personas, units):
    from budgets.models import Budget
    from plans.models import Plan

    dm = personas["dm_hangzhou"].api()
    body = {"kind": "marketing", "unit": units["330100"].pk, "period": "1999", "title": "远古计划", "body": "正文"}
    _refused(dm.post(reverse("plan-list"), body, format="json"), "period")
    _refused(dm.post(reverse("plan-list"), {**body, "period": "2100-Q1"}, format="json"), "period")
    assert not Plan.objects.filter(title="远古计划").exists()
    _refused(personas["center"].api().get(reverse("target-list"), {"period": "0001"}), "period")
    rm = personas["rm_east"].api()
    body = {"unit": units["330000"].pk, "period": "0001-01", "category": "travel", "amount": "1200.00"}
    _refused(rm.post(reverse("budget-list"), body, format="json"), "period")
    assert not Budget.objects.exists()


def test_performance_tables_refuse_far_periods(personas):
    _refused(personas["director"].api().get(reverse("report-attainment"), {"period": "0001-01"}), "period")


def test_plan_lines_refuse_far_periods_and_dates(personas, units):
    dm = personas["dm_hangzhou"].api()
    body = {"kind": "marketing", "unit": units["330100"].pk, "period": "2026", "title": "杭州营销计划", "body": "正文"}
    plan = dm.post(reverse("plan-list"), body, format="json").json()
    url = reverse("plan-lines", kwargs={"pk": plan["id"]})
    response = dm.put(url, {"targets": [{"metric": "sales_amount", "period": "1999", "value": "10.00"}]}, format="json")
    assert response.status_code == 400 and RANGE_ZH in str(response.json()), response.content
    owner = personas["rep_hangzhou"].staff.pk
    actions = [{"what": "拜访", "owner": owner, "due_on": "0001-01-01"}]
    response = dm.put(url, {"actions": actions}, format="json")
    assert response.status_code == 400 and RANGE_ZH in str(response.json()), response.content
    assert dm.get(reverse("plan-detail", kwargs={"pk": plan["id"]})).json()["lines"] == {
        "targets": [],
        "actions": [],
        "budget": [],
    }


def test_appraisal_runs_and_schemes_refuse_far_periods_and_dates(personas):
    from appraisal.models import AppraisalRun
    from tests.appraisal.conftest import approved_scheme

    scheme = approved_scheme(personas)
    center = personas["center"].api()
    response = center.post(reverse("appraisal-run-list"), {"scheme": scheme.pk, "period": "0001-01"}, format="json")
    _refused(response, "period")
    assert not AppraisalRun.objects.exists()
    page = personas["center"].web().post(reverse("appraisal:run_create"), {"scheme": scheme.pk, "period": "1999-12"})
    assert page.status_code == 400 and RANGE_ZH in str(page.context["form"].errors["period"])


def test_a_date_picker_shows_iso_days_in_every_language():
    """<input type="date"> takes only ISO days: a zh-hans "2026/12/07" would show an empty picker."""
    from datetime import date

    from django import forms
    from django.utils import translation

    from core.dates import DateFormField

    class DayForm(forms.Form):
        on = DateFormField(widget=forms.DateInput(attrs={"type": "date"}))

    for language in ("zh-hans", "en"):
        with translation.override(language):
            html = str(DayForm(initial={"on": date(2026, 12, 7)})["on"])
        assert 'value="2026-12-07"' in html, (language, html)
