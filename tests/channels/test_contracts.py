"""Contracts (合同, issue 17): drafted with exactly one party, bad input refused on its field with nothing written
(dates, a fake or executable or too large file — judged by content), the signed copy downloaded in scope only,
filed with the Development Center through the approval, and the nightly job's reminders 30 and 7 days before the
end sent once each (a pinned clock), moving the state to expiring and expired."""

import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from approvals.choices import ApprovalKind, RequestState
from approvals.selectors import latest_request
from approvals.services import request_approve
from channels import services
from channels.choices import ContractState
from channels.models import Channel, Contract, ContractMeeting, ContractReminder
from channels.tasks import remind_contracts
from config.celery import app
from core.errors import InvalidInput
from core.rights import SYSTEM, NotAllowed
from core.ui import approval_url
from notifications.models import Notification
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 16)
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"


def _at(day):
    return time_machine.travel(datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC), tick=False)


@pytest.fixture(autouse=True)
def _clock():
    with _at(TODAY):
        yield


@pytest.fixture
def customer(personas, units):
    return CustomerFactory(district=units["330100"], salesperson=personas["rep_hangzhou"].staff)


def _pdf(content=PDF, name="合同.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _draft(personas, customer, **values):
    values = {"kind": "sales", "title": "年度销售合同", "starts_on": "2026-01-01", "ends_on": "2026-12-31", **values}
    return services.contract_create(by=personas["rep_hangzhou"].user, customer=customer, **values)


def _signed(personas, customer, **values):
    contract = _draft(personas, customer, file=_pdf(), **values)
    by = personas["rep_hangzhou"].user
    services.contract_move(by=by, contract=contract, to=ContractState.UNDER_REVIEW)
    return services.contract_move(by=by, contract=contract, to=ContractState.SIGNED)


def _stored_files(settings):
    root = settings.MEDIA_ROOT / "channels" / "contracts"
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- bad input ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"starts_on": "2026-06-01", "ends_on": "2026-05-31"}, "ends_on", "end before it starts"),
        ({"amount": "12.345"}, "amount", ""),
        ({"title": "  "}, "title", ""),
        ({"kind": "lease"}, "kind", ""),
        ({"file": _pdf(b"this is not a pdf", "合同.pdf")}, "file", "content, not its name"),
        ({"file": _pdf(b"MZ\x90\x00" + b"\x00" * 64, "合同.pdf")}, "file", "program"),
        ({"file": _pdf(b"\x7fELF\x02\x01" + b"\x00" * 64, "scan.png")}, "file", "program"),
    ],
)
def test_bad_input_is_refused_on_its_field_with_nothing_written(personas, customer, settings, values, field, words):
    before = _stored_files(settings)
    with pytest.raises(InvalidInput) as refused:
        _draft(personas, customer, **values)
    assert refused.value.field == field and words in str(refused.value.message)
    assert not Contract.objects.exists() and _stored_files(settings) == before


def test_a_file_over_the_cap_and_a_party_not_exactly_one_are_refused(personas, customer, units, settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(InvalidInput) as refused:
        _draft(personas, customer, file=_pdf(PDF * 5))
    assert refused.value.field == "file" and "MB" in str(refused.value.message)
    channel = Channel.objects.create(name="工商银行杭州分行", kind="bank", unit=units["330100"])
    for parties in ({}, {"customer": customer, "channel": channel}):
        with pytest.raises(InvalidInput) as refused:
            services.contract_create(by=SYSTEM, kind="sales", title="合同", **parties)
        assert refused.value.field == "customer"
    assert not Contract.objects.exists()


def test_rights_owner_or_manager_above_writes(personas, customer):
    contract = _draft(personas, customer)
    assert contract.owner == personas["rep_hangzhou"].staff and contract.unit == customer.district
    for outsider in ("rep_hangzhou_2", "dm_guangzhou"):
        with pytest.raises(NotAllowed):
            services.contract_update(by=personas[outsider].user, contract=contract, title="改")
        with pytest.raises(NotAllowed):
            services.contract_create(by=personas[outsider].user, customer=customer, kind="sales", title="合同")
    services.contract_update(by=personas["pm_zhejiang"].user, contract=contract, title="年度销售合同（省公司）")
    contract.refresh_from_db()
    assert contract.title == "年度销售合同（省公司）" and Contract.objects.count() == 1


def test_negotiation_meetings_and_filing_through_the_center(personas, customer):
    contract = _draft(personas, customer, title="重点客户框架协议", kind="framework")
    services.contract_meeting_add(
        by=personas["rep_hangzhou"].user,
        contract=contract,
        on="2026-03-10",
        summary="第一轮谈判",
        attendees="张三",
        next_step="报价",
    )
    assert ContractMeeting.objects.filter(contract=contract).count() == 1
    by = personas["rep_hangzhou"].user
    services.contract_move(by=by, contract=contract, to=ContractState.UNDER_REVIEW)
    # Signing needs the end date; submitting for filing needs the signed copy.
    services.contract_update(by=by, contract=contract, ends_on="2027-03-31")
    services.contract_move(by=by, contract=contract, to=ContractState.SIGNED)
    with pytest.raises(InvalidInput) as refused:
        services.contract_submit(by=by, contract=contract)
    assert refused.value.field == "file"
    services.contract_update(by=by, contract=contract, file=_pdf())
    request = services.contract_submit(by=by, contract=contract)
    contract.refresh_from_db()
    assert contract.state == ContractState.FILING and request.kind == ApprovalKind.CONTRACT_FILING
    # Route.CENTER from a district: the region's manager, then the Development Center's pool.
    deciders = {"regional_manager": "rm_east", "center_staff": "center"}
    roles = []
    while request.state == RequestState.SUBMITTED:
        roles.append(request.current_step.approver_role)
        request_approve(request=request, by=personas[deciders[roles[-1]]].user, comment="同意备案")
        request.refresh_from_db()
    assert roles[-1] == "center_staff"
    # The decision page shows the contract's part (its review template) to the deciders.
    review = personas["center"].web().get(approval_url(request.pk))
    assert review.status_code == 200 and f'data-contract="{contract.pk}"' in review.content.decode()
    contract.refresh_from_db()
    assert contract.state == ContractState.FILED and contract.filed_on == TODAY
    assert latest_request(contract).state == RequestState.APPROVED


# --- the signed copy: in scope only ---------------------------------------------------------------------------------
def test_the_file_is_downloaded_in_scope_only_through_page_and_api(personas, customer):
    contract = _draft(personas, customer, file=_pdf(name="签字版.pdf"))
    page_url = reverse("channels:contract_file", kwargs={"pk": contract.pk})
    api_url = reverse("channels-contract-file", kwargs={"pk": contract.pk})
    for url, client in ((page_url, personas["rep_hangzhou"].web()), (api_url, personas["rep_hangzhou"].api())):
        answer = client.get(url)
        assert answer.status_code == 200 and b"".join(answer.streaming_content) == PDF
        assert answer["X-Content-Type-Options"] == "nosniff" and answer["Content-Disposition"].startswith("attachment")
        assert answer["Content-Type"] == "application/pdf"
    for outsider in ("rep_hangzhou_2", "dm_guangzhou"):
        assert personas[outsider].web().get(page_url).status_code == 404
        assert personas[outsider].api().get(api_url).status_code == 404
    detail = personas["rep_hangzhou"].api().get(reverse("channels-contract-detail", kwargs={"pk": contract.pk}))
    assert detail.json()["file_url"] == api_url


# --- API and pages --------------------------------------------------------------------------------------------------
def test_api_multipart_upload_and_refusals_name_the_field(personas, customer, settings):
    api = personas["rep_hangzhou"].api()
    url = reverse("channels-contract-list")
    base = {"customer": customer.pk, "kind": "sales", "title": "API 合同"}
    cases = [
        ({"starts_on": "2026-06-01", "ends_on": "2026-05-01"}, "ends_on"),
        ({"file": io.BytesIO(b"MZ" + b"\x00" * 100)}, "file"),
        ({"file": io.BytesIO(b"plain text")}, "file"),
    ]
    for extra, field in cases:
        if "file" in extra:
            extra["file"].name = "合同.pdf"
        answer = api.post(url, {**base, **extra}, format="multipart")
        assert answer.status_code == 400 and field in answer.json()["errors"], answer.json()
    settings.UPLOAD_MAX_BYTES = 50
    big = io.BytesIO(PDF * 4)
    big.name = "合同.pdf"
    answer = api.post(url, {**base, "file": big}, format="multipart")
    assert answer.status_code == 400 and "file" in answer.json()["errors"]
    assert not Contract.objects.exists()
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    good = io.BytesIO(PDF)
    good.name = "合同.pdf"
    answer = api.post(url, {**base, "file": good, "amount": "5000.00"}, format="multipart")
    assert answer.status_code == 201 and answer.json()["file_url"]
    contract = Contract.objects.get()
    patched = api.patch(
        reverse("channels-contract-detail", kwargs={"pk": contract.pk}), {"ends_on": "2025-01-01", "starts_on": "2026-01-01"}
    )
    assert patched.status_code == 400 and "ends_on" in patched.json()["errors"]


def test_pages_draft_edit_and_refuse_on_the_field(personas, customer):
    web = personas["rep_hangzhou"].web()
    create = reverse("channels:contract_create") + f"?customer={customer.pk}"
    customer_page = web.get(reverse("customers:customer_detail", kwargs={"pk": customer.pk})).content.decode()
    assert create in customer_page
    assert web.get(create).status_code == 200
    bad = web.post(create, {"kind": "sales", "title": "页面合同", "starts_on": "2026-05-01", "ends_on": "2026-04-01"})
    assert bad.status_code == 400 and not Contract.objects.exists()
    fake = web.post(create, {"kind": "sales", "title": "页面合同", "file": _pdf(b"MZ" + b"\x00" * 80, "合同.pdf")})
    assert fake.status_code == 400 and not Contract.objects.exists()
    answer = web.post(create, {"kind": "sales", "title": "页面合同", "ends_on": "2026-12-31", "file": _pdf()})
    contract = Contract.objects.get()
    assert answer.status_code == 302 and answer["Location"] == contract.get_absolute_url()
    page = web.get(contract.get_absolute_url())
    assert page.status_code == 200 and reverse("channels:contract_file", kwargs={"pk": contract.pk}) in page.content.decode()
    listing = web.get(reverse("channels:contract_list"), {"state": "draft"})
    assert f'data-contract="{contract.pk}"' in listing.content.decode()


# --- reminders: once per contract and threshold ----------------------------------------------------------------------
def test_reminders_30_and_7_days_before_the_end_are_sent_once_each(personas, customer):
    contract = _signed(personas, customer, ends_on="2026-04-30")
    owner = personas["rep_hangzhou"].user

    def run(day):
        with _at(day):
            return remind_contracts.delay().get()

    assert run(date(2026, 3, 30)) == {"reminded": 0, "expiring": 0, "expired": 0}  # 31 days left
    assert run(date(2026, 3, 31)) == {"reminded": 1, "expiring": 1, "expired": 0}  # 30 days
    assert run(date(2026, 3, 31)) == {"reminded": 0, "expiring": 0, "expired": 0}  # again: silent
    assert run(date(2026, 4, 10)) == {"reminded": 0, "expiring": 0, "expired": 0}
    assert run(date(2026, 4, 23)) == {"reminded": 1, "expiring": 0, "expired": 0}  # 7 days
    assert run(date(2026, 4, 24)) == {"reminded": 0, "expiring": 0, "expired": 0}
    contract.refresh_from_db()
    assert contract.state == ContractState.EXPIRING
    assert sorted(ContractReminder.objects.filter(contract=contract).values_list("days", flat=True)) == [7, 30]
    assert Notification.objects.filter(recipient=owner, url=contract.get_absolute_url()).count() == 2
    assert run(date(2026, 5, 1)) == {"reminded": 0, "expiring": 0, "expired": 1}
    contract.refresh_from_db()
    assert contract.state == ContractState.EXPIRED
    assert run(date(2026, 5, 2)) == {"reminded": 0, "expiring": 0, "expired": 0}


def test_a_late_first_run_sends_one_message_for_both_thresholds(personas, customer):
    contract = _signed(personas, customer, ends_on="2026-03-20")  # 4 days left on TODAY
    assert services.contracts_remind(today=TODAY) == {"reminded": 1, "expiring": 1, "expired": 0}
    assert services.contracts_remind(today=TODAY) == {"reminded": 0, "expiring": 0, "expired": 0}
    assert ContractReminder.objects.filter(contract=contract).count() == 2
    assert Notification.objects.filter(url=contract.get_absolute_url()).count() == 1
    with pytest.raises(NotAllowed):
        services.contracts_remind(today=TODAY, by=personas["director"].user)


def test_the_reminder_job_is_on_the_beat_schedule():
    entry = app.conf.beat_schedule["channels.contracts_remind"]
    assert entry["task"] == "channels.contracts_remind" and "channels.contracts_remind" in app.tasks
