"""Sales through a channel: every door that records an invoice may name the channel it came through; a channel
outside the writer's scope or not under contract is refused on the field `channel`, with nothing written."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from channels.choices import ChannelState
from core.errors import InvalidInput
from customers import services
from customers.models import ImportJob, ImportStatus, Invoice
from tests.channels.factories import ChannelFactory
from tests.customers.factories import CustomerFactory, InvoiceFactory

D = Decimal
DAY, DUE = date(2026, 1, 10), date(2026, 2, 10)


def test_the_selling_states_are_states_of_a_channel():
    assert services.SELLING_CHANNEL_STATES == {ChannelState.CONTRACTED, ChannelState.ACTIVE, ChannelState.DORMANT}
    assert services.channel_model()._meta.label == "sales_channels.Channel"


def test_invoice_record_keeps_the_channel(personas):
    by = personas["dm_hangzhou"].user
    channel = ChannelFactory(state=ChannelState.DORMANT)
    customer = CustomerFactory()
    invoice = services.invoice_record(by=by, customer=customer, issue_date=DAY, due_date=DUE, amount=D("10.00"), channel=channel)
    assert Invoice.objects.get(pk=invoice.invoice.pk).channel_id == channel.pk
    assert invoice.invoice.history.get().channel_id == channel.pk


@pytest.mark.parametrize("state", [ChannelState.PROSPECT, ChannelState.NEGOTIATING, ChannelState.TERMINATED])
def test_a_channel_not_under_contract_is_refused(personas, state):
    by = personas["dm_hangzhou"].user
    channel = ChannelFactory(state=state)
    customer = CustomerFactory()
    with pytest.raises(InvalidInput) as error:
        services.invoice_record(by=by, customer=customer, issue_date=DAY, due_date=DUE, amount=D("10.00"), channel=channel)
    assert error.value.field == "channel"
    assert not Invoice.objects.filter(customer=customer).exists()


def test_a_channel_outside_the_scope_is_refused(personas, units):
    by = personas["dm_hangzhou"].user
    elsewhere = ChannelFactory(unit=units["440100"])
    customer = CustomerFactory()
    with pytest.raises(InvalidInput) as error:
        services.invoice_record(by=by, customer=customer, issue_date=DAY, due_date=DUE, amount=D("10.00"), channel=elsewhere)
    assert error.value.field == "channel"
    assert not Invoice.objects.filter(customer=customer).exists()


def test_the_batch_refuses_the_row_and_writes_nothing(personas):
    by = personas["dm_hangzhou"].user
    good, ended = ChannelFactory(), ChannelFactory(state=ChannelState.TERMINATED)
    customer = CustomerFactory()
    records = [
        {"customer": customer, "issue_date": DAY, "due_date": DUE, "amount": D("1.00"), "channel": good},
        {"customer": customer, "issue_date": DAY, "due_date": DUE, "amount": D("2.00"), "channel": ended},
        {"customer": customer, "issue_date": DAY, "due_date": DUE, "amount": D("3.00")},
    ]
    with pytest.raises(services.BatchInvalid) as error:
        services.invoice_record_many(by=by, records=records)
    assert list(error.value.errors) == [1] and error.value.errors[1].field == "channel"
    assert not Invoice.objects.filter(customer=customer).exists()
    del records[1]
    results = services.invoice_record_many(by=by, records=records)
    assert [Invoice.objects.get(pk=r.id).channel_id for r in results] == [good.pk, None]


def test_the_batch_reads_all_its_channels_in_one_query(personas):
    by = personas["dm_hangzhou"].user
    channels = [ChannelFactory() for _ in range(5)]
    customer = CustomerFactory()
    records = [
        {"customer": customer, "issue_date": DAY, "due_date": DUE, "amount": D("1.00"), "channel": channels[i % 5]}
        for i in range(40)
    ]
    with CaptureQueriesContext(connection) as queries:
        services.invoice_record_many(by=by, records=records)
    assert sum('"sales_channels_channel"' in q["sql"] for q in queries.captured_queries) == 1
    assert Invoice.objects.filter(customer=customer, channel__isnull=False).count() == 40


def test_invoice_update_sets_changes_and_clears_the_channel(personas):
    by = personas["dm_hangzhou"].user
    first, second = ChannelFactory(), ChannelFactory()
    invoice = InvoiceFactory(channel=first)
    assert services.invoice_update(by=by, invoice=invoice, channel=second)
    assert Invoice.objects.get(pk=invoice.pk).channel_id == second.pk
    # A channel terminated since keeps the sales it had: naming it again changes nothing and is not refused.
    type(second).objects.filter(pk=second.pk).update(state=ChannelState.TERMINATED)
    assert not services.invoice_update(by=by, invoice=Invoice.objects.get(pk=invoice.pk), channel=second)
    with pytest.raises(InvalidInput) as error:
        services.invoice_update(by=by, invoice=Invoice.objects.get(pk=invoice.pk), channel=ChannelFactory(state="prospect"))
    assert error.value.field == "channel"
    assert Invoice.objects.get(pk=invoice.pk).channel_id == second.pk
    assert services.invoice_update(by=by, invoice=Invoice.objects.get(pk=invoice.pk), channel=None)
    assert Invoice.objects.get(pk=invoice.pk).channel_id is None


def test_api_create_names_the_channel_by_id_or_external_id(personas, units):
    client = personas["key_hangzhou"].api()
    channel, prospect, elsewhere = ChannelFactory(), ChannelFactory(state="prospect"), ChannelFactory(unit=units["440100"])
    customer = CustomerFactory(external_id="C-CH")
    body = {"customer_external_id": "C-CH", "issue_date": "2026-01-10", "due_date": "2026-02-10", "amount": "5.00"}
    response = client.post(reverse("invoice-list"), {**body, "channel": channel.pk}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["channel"] == channel.pk
    response = client.post(reverse("invoice-list"), {**body, "channel_external_id": channel.external_id}, format="json")
    assert response.status_code == 201 and response.json()["channel"] == channel.pk
    count = Invoice.objects.filter(customer=customer).count()
    for extra in ({"channel": prospect.pk}, {"channel": elsewhere.pk}, {"channel_external_id": elsewhere.external_id}):
        response = client.post(reverse("invoice-list"), {**body, **extra}, format="json")
        assert response.status_code == 400, response.content
        assert set(response.json()["errors"]) & {"channel", "channel_external_id"}, response.json()
    assert Invoice.objects.filter(customer=customer).count() == count


def test_bulk_with_a_channel_on_each_invoice_and_a_bad_one_writes_nothing(personas, units):
    client = personas["key_hangzhou"].api()
    channel, ended = ChannelFactory(external_id="CH-A"), ChannelFactory(external_id="CH-X", state="terminated")
    ChannelFactory(external_id="CH-GZ", unit=units["440100"])
    CustomerFactory(external_id="C-B")
    records = [
        {
            "external_id": f"B-{i}",
            "customer_external_id": "C-B",
            "issue_date": "2026-01-10",
            "due_date": "2026-02-10",
            "amount": "10.00",
            "channel_external_id": "CH-A",
        }
        for i in range(4)
    ]
    records[1]["channel_external_id"] = "CH-X"
    records[2]["channel_external_id"] = "CH-GZ"
    response = client.post(reverse("invoice-bulk"), {"records": records}, format="json")
    assert response.status_code == 400
    results = response.json()["results"]
    assert "channel" in results[1]["errors"] and "channel_external_id" in results[2]["errors"], results
    assert not Invoice.objects.filter(external_id__startswith="B-").exists()
    records[1]["channel_external_id"] = "CH-A"
    records[2]["channel"] = channel.pk
    del records[2]["channel_external_id"]
    response = client.post(reverse("invoice-bulk"), {"records": records}, format="json")
    assert response.status_code == 200, response.content
    assert set(Invoice.objects.filter(external_id__startswith="B-").values_list("channel_id", flat=True)) == {channel.pk}
    assert ended.invoices.count() == 0


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _import(client, content):
    response = client.post(reverse("customers:import"), {"kind": "invoices", "file": SimpleUploadedFile("i.csv", content)})
    assert response.status_code == 302, response.content[:2000]
    job = ImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    if job.status == ImportStatus.VALIDATED:
        client.post(reverse("customers:import_job", kwargs={"pk": job.pk}))
        job.refresh_from_db()
    return job


def test_the_file_import_names_the_channel_by_its_number(personas, units, media):
    client = personas["dm_hangzhou"].web()
    ChannelFactory(external_id="CH-OK")
    ChannelFactory(external_id="CH-END", state="terminated")
    ChannelFactory(external_id="CH-GZ", unit=units["440100"])
    CustomerFactory(external_id="C-F")
    header = "发票编号,客户编号,开票日期,到期日,金额,业务员工号,渠道编号\n"
    job = _import(
        client, (header + "F-1,C-F,2026-01-10,2026-02-10,1.00,,CH-OK\nF-2,C-F,2026-01-10,2026-02-10,1.00,,CH-GZ\n").encode()
    )
    assert job.status == ImportStatus.FAILED and job.errors[0]["row"] == 3 and job.errors[0]["column"] == "渠道编号", job.errors
    job = _import(
        client, (header + "F-1,C-F,2026-01-10,2026-02-10,1.00,,CH-OK\nF-2,C-F,2026-01-10,2026-02-10,1.00,,CH-END\n").encode()
    )
    assert job.status == ImportStatus.FAILED and job.errors[0]["column"] == "渠道编号", job.errors
    assert not Invoice.objects.filter(external_id__in=["F-1", "F-2"]).exists()
    job = _import(client, (header + "F-1,C-F,2026-01-10,2026-02-10,1.00,,CH-OK\nF-2,C-F,2026-01-10,2026-02-10,1.00,,\n").encode())
    assert job.status == ImportStatus.COMMITTED, job.errors
    assert dict(Invoice.objects.filter(external_id__in=["F-1", "F-2"]).values_list("external_id", "channel__external_id")) == {
        "F-1": "CH-OK",
        "F-2": None,
    }


def _channel_queries(queries):
    return [q["sql"] for q in queries.captured_queries if '"sales_channels_channel"' in q["sql"]]


def test_a_batch_given_checked_channels_reads_no_channel_and_still_refuses_one_not_under_contract(personas):
    # The front ends (bulk API, file import) read the channels through the writer's scope with their state just
    # before: the service takes the states as read (channels_checked) and checks them without a query.
    by = personas["dm_hangzhou"].user
    good, ended = ChannelFactory(), ChannelFactory(state=ChannelState.TERMINATED)
    model = services.channel_model()
    good, ended = model.objects.get(pk=good.pk), model.objects.get(pk=ended.pk)
    customer = CustomerFactory()
    records = [
        {"customer": customer, "issue_date": DAY, "due_date": DUE, "amount": D("1.00"), "channel": good},
        {"customer": customer, "issue_date": DAY, "due_date": DUE, "amount": D("2.00"), "channel": ended},
    ]
    with CaptureQueriesContext(connection) as queries, pytest.raises(services.BatchInvalid) as error:
        services.invoice_record_many(by=by, records=records, channels_checked=True)
    assert list(error.value.errors) == [1] and error.value.errors[1].field == "channel"
    assert _channel_queries(queries) == []
    assert not Invoice.objects.filter(customer=customer).exists()
    with CaptureQueriesContext(connection) as queries:
        results = services.invoice_record_many(by=by, records=records[:1], channels_checked=True)
    assert _channel_queries(queries) == []
    assert Invoice.objects.get(pk=results[0].id).channel_id == good.pk


def test_a_checked_channel_read_without_its_state_is_asked_again(personas, units):
    by = personas["dm_hangzhou"].user
    ended = ChannelFactory(state=ChannelState.TERMINATED)
    elsewhere = ChannelFactory(unit=units["440100"])
    model = services.channel_model()
    customer = CustomerFactory()
    for channel, count in ((ended, 1), (elsewhere, 1)):
        without_state = model.objects.only("id", "name").get(pk=channel.pk)
        record = {"customer": customer, "issue_date": DAY, "due_date": DUE, "amount": D("1.00"), "channel": without_state}
        with CaptureQueriesContext(connection) as queries, pytest.raises(services.BatchInvalid) as error:
            services.invoice_record_many(by=by, records=[record], channels_checked=True)
        assert error.value.errors[0].field == "channel"
        assert len(_channel_queries(queries)) == count  # the state, through the scope (not a query per deferred field)
    assert not Invoice.objects.filter(customer=customer).exists()


def test_the_bulk_api_reads_the_channels_once_a_request(personas):
    client = personas["key_hangzhou"].api()
    channels = [ChannelFactory(external_id=f"CH-Q{i}") for i in range(5)]
    CustomerFactory(external_id="C-Q")
    records = [
        {
            "external_id": f"Q-{i}",
            "customer_external_id": "C-Q",
            "issue_date": "2026-01-10",
            "due_date": "2026-02-10",
            "amount": "10.00",
            "channel_external_id": f"CH-Q{i % 5}",
        }
        for i in range(20)
    ]
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("invoice-bulk"), {"records": records}, format="json")
    assert response.status_code == 200, response.content
    assert len(_channel_queries(queries)) == 1, _channel_queries(queries)
    written = dict(Invoice.objects.filter(external_id__startswith="Q-").values_list("external_id", "channel_id"))
    assert written == {f"Q-{i}": channels[i % 5].pk for i in range(20)}


def test_the_file_import_reads_the_channels_once_a_pass(personas, media):
    client = personas["dm_hangzhou"].web()
    ChannelFactory(external_id="CH-I1")
    ChannelFactory(external_id="CH-I2", state="terminated")
    CustomerFactory(external_id="C-I")
    header = "发票编号,客户编号,开票日期,到期日,金额,业务员工号,渠道编号\n"
    with CaptureQueriesContext(connection) as queries:
        job = _import(
            client, (header + "I-1,C-I,2026-01-10,2026-02-10,1.00,,CH-I1\nI-2,C-I,2026-01-10,2026-02-10,1.00,,CH-I1\n").encode()
        )
    assert job.status == ImportStatus.COMMITTED, job.errors
    # Once when the file is checked, once when it is written (checked again in the writing transaction).
    assert len(_channel_queries(queries)) == 2, _channel_queries(queries)
    job = _import(
        client, (header + "I-3,C-I,2026-01-10,2026-02-10,1.00,,CH-I1\nI-4,C-I,2026-01-10,2026-02-10,1.00,,CH-I2\n").encode()
    )
    assert job.status == ImportStatus.FAILED and job.errors[0]["row"] == 3 and job.errors[0]["column"] == "渠道编号", job.errors
    assert not Invoice.objects.filter(external_id__in=["I-3", "I-4"]).exists()


def test_light_instances_are_the_records_read_with_only_those_fields(personas):
    from django.db.models.signals import post_init

    from customers import batch

    model = services.channel_model()
    channel = ChannelFactory(external_id="CH-L", state=ChannelState.DORMANT, address="杭州市西湖区")
    rows = model.objects.filter(pk=channel.pk).values_list(*batch.CHANNEL_FIELDS)
    (light,) = batch.light_instances(model, batch.CHANNEL_FIELDS, rows)
    (ordinary,) = model.objects.filter(pk=channel.pk).only(*batch.CHANNEL_FIELDS)
    assert type(light) is model and light == ordinary and light.pk == channel.pk
    assert {f: getattr(light, f) for f in batch.CHANNEL_FIELDS} == {f: getattr(ordinary, f) for f in batch.CHANNEL_FIELDS}
    assert light.get_deferred_fields() == ordinary.get_deferred_fields() and "address" in light.get_deferred_fields()
    assert not light._state.adding and light._state.db == "default"
    with CaptureQueriesContext(connection) as queries:
        assert light.address == "杭州市西湖区"  # a deferred field is read on first use, as with only()
    assert len(queries) == 1
    for fields in (("name", "state"), ("id", "unit")):  # the key is needed; attnames of columns only
        with pytest.raises(ValueError):
            batch.light_instances(model, fields, [(1, "x")])
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=model)
    try:
        (built,) = batch.light_instances(model, batch.CHANNEL_FIELDS, rows)
    finally:
        post_init.disconnect(receiver, sender=model)
    assert seen == [built]  # built through __init__: the receiver ran
    assert {f: getattr(built, f) for f in batch.CHANNEL_FIELDS} == {f: getattr(ordinary, f) for f in batch.CHANNEL_FIELDS}
    assert built.state == ChannelState.DORMANT and built.get_deferred_fields() == ordinary.get_deferred_fields()
