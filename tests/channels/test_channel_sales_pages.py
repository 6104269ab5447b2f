"""The sales-by-channel page and its API twin: the per-channel summaries of a unit and period, through the scope."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from core.rights import SYSTEM
from customers.services import invoice_record, payment_record
from performance import services
from performance.selectors import sales_by_channel
from tests.channels.factories import ChannelFactory
from tests.customers.factories import CustomerFactory

D = Decimal
API = "channel-sales"


@pytest.fixture
def sales(units, personas):
    """Two channels of 杭州 (one the rep's), one of 广州, with sales in January and February 2026 and a payment."""
    rep = personas["rep_hangzhou"].staff
    mine = ChannelFactory(name="杭州银行渠道", salesperson=rep)
    other = ChannelFactory(name="杭州证券渠道")
    far = ChannelFactory(name="广州保险渠道", unit=units["440100"])
    hz = CustomerFactory(salesperson=rep)
    gz = CustomerFactory(district=units["440100"])
    for channel, customer, day, amount in (
        (mine, hz, date(2026, 1, 10), "100.00"),
        (mine, hz, date(2026, 2, 10), "50.00"),
        (other, hz, date(2026, 2, 11), "70.00"),
        (far, gz, date(2026, 2, 12), "900.00"),
    ):
        invoice_record(
            by=SYSTEM, customer=customer, issue_date=day, due_date=day + timedelta(days=30), amount=amount, channel=channel
        )
    invoice_record(by=SYSTEM, customer=hz, issue_date=date(2026, 2, 1), due_date=date(2026, 3, 1), amount="5.00")  # no channel
    payment_record(
        by=SYSTEM, customer=hz, received_on=date(2026, 2, 20), amount="120.00"
    )  # oldest due first: 100 of mine, 5 without a channel, 15 of mine
    services.summaries_rebuild()
    return {"mine": mine, "other": other, "far": far}


def test_the_selector_sums_the_months_and_takes_the_receivable_at_the_period_end(sales, personas, units):
    table = sales_by_channel(user=personas["dm_hangzhou"].user, unit=units["330100"], period="2026-Q1")
    rows = {row["channel"].pk: row for row in table["rows"]}
    assert set(rows) == {sales["mine"].pk, sales["other"].pk}
    mine = rows[sales["mine"].pk]
    assert (mine["invoiced"], mine["invoice_count"], mine["collected"], mine["open_at_end"]) == (
        D("150.00"),
        2,
        D("115.00"),
        D("35.00"),
    )
    assert rows[sales["other"].pk]["open_at_end"] == D("70.00")
    assert table["rows"][0]["channel"] == sales["mine"]  # by sales, highest first
    assert table["total"] == {"invoiced": D("220.00"), "invoice_count": 3, "collected": D("115.00"), "open_at_end": D("105.00")}
    january = sales_by_channel(user=personas["center"].user, unit=units["HQ"], period="2026-01")
    assert [(row["channel"].pk, row["open_at_end"]) for row in january["rows"]] == [(sales["mine"].pk, D("100.00"))]


def test_scope_a_rep_sees_their_own_channels_and_a_unit_outside_is_404(sales, personas, units, django_assert_max_num_queries):
    rep = sales_by_channel(user=personas["rep_hangzhou"].user, unit=units["330100"], period="2026")
    assert [row["channel"].pk for row in rep["rows"]] == [sales["mine"].pk]
    region = sales_by_channel(user=personas["rm_south"].user, unit=units["HN"], period="2026")
    assert [row["channel"].pk for row in region["rows"]] == [sales["far"].pk]
    with django_assert_max_num_queries(2):
        sales_by_channel(user=personas["center"].user, unit=units["HQ"], period="2026")
    from django.http import Http404

    with pytest.raises(Http404):
        sales_by_channel(user=personas["dm_hangzhou"].user, unit=units["440100"], period="2026")


def test_the_page_shows_the_table_and_refuses_what_it_cannot_read(sales, personas, units):
    client = personas["pm_zhejiang"].web()
    url = reverse("channel_sales:sales")
    response = client.get(url, {"unit": units["330000"].pk, "period": "2026-Q1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "杭州银行渠道" in page and "杭州证券渠道" in page and "广州保险渠道" not in page
    assert client.get(url, {"unit": units["440100"].pk, "period": "2026-Q1"}).status_code == 404
    assert client.get(url, {"unit": "abc"}).status_code == 404
    assert client.get(url, {"unit": units["330000"].pk, "period": "2026-13"}).status_code == 400
    assert client.get(url).status_code == 200  # the caller's own unit, this month


def test_the_api_twin_answers_the_same_figures_in_scope(sales, personas, units):
    api = personas["key_hangzhou"].api()
    body = api.get(reverse(API), {"period": "2026-Q1"}).json()
    assert body["unit"] == units["330100"].pk and body["period"] == "2026-Q1"
    assert [(row["channel"], row["invoiced"], row["collected"], row["open_at_end"]) for row in body["rows"]] == [
        (sales["mine"].pk, "150.00", "115.00", "35.00"),
        (sales["other"].pk, "70.00", "0.00", "70.00"),
    ]
    assert body["total"]["invoice_count"] == 3
    assert api.get(reverse(API), {"unit": units["440100"].pk}).status_code == 404
    response = api.get(reverse(API), {"unit": "x", "period": "2026-13"})
    assert response.status_code == 400 and {"unit", "period"} <= set(response.json()["errors"])
    assert personas["key_guangdong"].api().get(reverse(API), {"period": "2026"}).json()["rows"][0]["channel"] == sales["far"].pk


def test_the_page_shows_fifty_channels_a_page_by_sales_and_the_total_of_all(units, personas, monkeypatch):
    # A region has hundreds of channels: the page shows them a page at a time (the total is over all of them),
    # with the same queries on every page.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from performance.views import ChannelSalesView

    monkeypatch.setattr(ChannelSalesView, "paginate_by", 2)
    customer = CustomerFactory()
    for n, amount in enumerate(("10.00", "30.00", "20.00")):
        invoice_record(
            by=SYSTEM,
            customer=customer,
            issue_date=date(2026, 1, 10),
            due_date=date(2026, 2, 10),
            amount=amount,
            channel=ChannelFactory(name=f"渠道{n}"),
        )
    services.summaries_rebuild()
    client = personas["pm_zhejiang"].web()
    url = reverse("channel_sales:sales")
    query = {"unit": units["330000"].pk, "period": "2026-01"}
    with CaptureQueriesContext(connection) as first:
        page = client.get(url, query).content.decode()
    assert "渠道1" in page and "渠道2" in page and "渠道0" not in page and "60.00" in page
    with CaptureQueriesContext(connection) as second:
        page = client.get(url, {**query, "page": 2}).content.decode()
    assert "渠道0" in page and "渠道1" not in page and "60.00" in page
    assert len(first) == len(second)
