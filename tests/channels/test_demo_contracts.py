"""The demo contracts load through the services once: drafts (a key customer's negotiation with two meetings), one
under review, signed, waiting for filing, filed through the center's approval, two ending within 30 days and one
within 7 (expiring, their owners reminded by the job), one expired, one terminated, one renewed — each signed one
with a PDF the upload rules accept, dates relative to the pinned today."""

from datetime import UTC, date, datetime, timedelta

import time_machine

from approvals.choices import ApprovalKind, RequestState
from approvals.models import ApprovalRequest
from channels.choices import ContractState
from channels.demo import load_demo_channels
from channels.demo_contracts import demo_pdf, load_demo_contracts
from channels.models import Contract, ContractReminder
from core.files import clean_upload
from customers.demo import load_demo_customers
from notifications.models import Notification
from regions.demo import load_demo_company

TODAY = date(2026, 3, 16)


@time_machine.travel(datetime(2026, 3, 16, 4, 0, tzinfo=UTC), tick=False)
def test_demo_contracts_load_once_through_the_services(db):
    load_demo_company(reps_per_district=1)
    load_demo_customers(customers=120, months=12, today=TODAY, plans=0)
    load_demo_channels(today=TODAY)
    counts = load_demo_contracts(today=TODAY)
    assert counts == {"contracts": Contract.objects.count(), "meetings": 2, "reminded": 3, "expiring": 3, "expired": 1}

    states = sorted(Contract.objects.values_list("state", flat=True))
    assert states == sorted(
        ["draft", "draft", "under_review", "signed", "filing", "filed", "filed", "expiring", "expiring", "expiring"]
        + ["expired", "terminated", "renewed"]
    )
    key = Contract.objects.get(state=ContractState.DRAFT, customer__isnull=False)
    assert key.customer.is_key
    assert [m.on for m in key.meetings.all()] == [TODAY - timedelta(days=21), TODAY - timedelta(days=6)]
    assert Contract.objects.filter(channel__isnull=False).exists() and Contract.objects.filter(customer__isnull=False).exists()

    # Filed through the center's approval; one waiting in its queue; every signed one with its PDF.
    filings = ApprovalRequest.objects.filter(kind=ApprovalKind.CONTRACT_FILING)
    assert filings.filter(state=RequestState.SUBMITTED).count() == 1
    assert filings.filter(state=RequestState.APPROVED).count() == 8
    for contract in Contract.objects.exclude(state__in=[ContractState.DRAFT, ContractState.UNDER_REVIEW]):
        assert contract.file.name.endswith(".pdf") and contract.signed_on <= TODAY
        assert contract.ends_on is not None
    for contract in Contract.objects.filter(filed_on__isnull=False):
        assert contract.signed_on <= contract.filed_on <= TODAY
    assert clean_upload(demo_pdf("Contract X"), field="file").name.endswith(".pdf")

    # The reminder job ran once as of today: 30 days (and 7) before the end, the owners told.
    expiring = Contract.objects.filter(state=ContractState.EXPIRING)
    assert sorted((c.ends_on - TODAY).days for c in expiring) == [5, 18, 25]
    assert sorted(ContractReminder.objects.values_list("days", flat=True)) == [7, 30, 30, 30]
    for contract in expiring:
        assert Notification.objects.filter(recipient=contract.owner.user, url=contract.get_absolute_url()).exists()
    expired = Contract.objects.get(state=ContractState.EXPIRED)
    assert expired.ends_on == TODAY - timedelta(days=10)
    renewed = Contract.objects.get(state=ContractState.RENEWED)
    successor = Contract.objects.get(
        channel=renewed.channel, customer=renewed.customer, starts_on=renewed.ends_on + timedelta(days=1)
    )
    assert successor.state == ContractState.FILED

    assert load_demo_contracts(today=TODAY) == dict.fromkeys(counts, 0)
    assert ContractReminder.objects.count() == 4
