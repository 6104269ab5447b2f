"""Market intelligence (市场信息): writing, changing, searching and deleting reports through the pages and the API,
the overview per region and period, raising a report as a special event in one step (risk) with the links both
ways — and bad input refused with its field and reason, nothing written, never a 500; outside the scope a 404."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from relations.models import MarketReport, MarketTag
from risk.models import SpecialEvent
from tests.relations.market_factories import product, report

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 16, 4, 0, tzinfo=UTC)
LIST = "/api/v1/relations/market-reports/"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def body(**fields):
    return {
        "kind": "price",
        "title": "中诚理财下调同类产品费率",
        "observed_on": "2026-03-12",
        "description": "重点客户反映中诚理财下调费率 0.5 个百分点",
        "competitor": "中诚理财",
        "price_level": "98.50",
        "price_change": "-4.25",
        "source": "visit",
        "reliability": "A",
        "tags": ["降息", " 价格战 ", "降息"],
        **fields,
    }


def test_a_salesperson_writes_a_report_through_the_api_and_reads_it_back(personas, units):
    p = product()
    rep = personas["rep_hangzhou"]
    response = rep.api().post(LIST, {**body(product=p.pk), "unit": units["330100"].pk}, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["reporter"] == rep.staff.pk
    assert data["region_code"] == "HD"
    assert data["price_change"] == "-4.25"
    assert sorted(data["tags"]) == ["价格战", "降息"]  # trimmed, once each
    assert data["product_code"] == p.code
    report_obj = MarketReport.objects.get(pk=data["id"])
    assert report_obj.region == units["HD"] and report_obj.price_direction == "down"


def test_search_by_text_tag_competitor_product_period_and_reliability(personas, units):
    rep = personas["rep_hangzhou"].staff
    p1, p2 = product(), product(code="P-MKT-2", name="成长基金")
    a = report(units["330100"], rep, title="华信降价", product=p1, tags=["价格战"], reliability="A")
    b = report(units["330100"], rep, title="中诚返利", kind="policy", competitor="中诚理财", price_change=None,
               policy="返利提高", product=p2, tags=["渠道返利"], observed_on=date(2026, 1, 5))  # fmt: skip
    client = personas["center"].api()

    def ids(**query):
        response = client.get(LIST, query)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(q="返利") == {b.pk}
    assert ids(tag="价格战") == {a.pk}
    assert ids(competitor=" 中诚理财 ") == {b.pk}
    assert ids(product=p1.pk) == {a.pk}
    assert ids(period="2026-01") == {b.pk}
    assert ids(period="2026-Q1") == {a.pk, b.pk}
    assert ids(reliability="A") == {a.pk}
    # The page reads the same FilterSet.
    page = personas["center"].web().get(reverse("relations:market_report_list"), {"tag": "渠道返利"})
    assert page.status_code == 200
    assert [row.pk for row in page.context["paginator"].object_list] == [b.pk]
    # Bad filter input: a 400 naming the parameter on the API, nothing listed on the page — never a 500.
    assert client.get(LIST, {"period": "2026-13"}).status_code == 400
    assert client.get(LIST, {"reliability": "E"}).status_code == 400
    page = personas["center"].web().get(reverse("relations:market_report_list"), {"product": "abc"})
    assert page.status_code == 200 and not page.context["paginator"].object_list


def test_the_overview_groups_by_region_and_competitor_in_the_quarter(personas, units):
    rep, rep_gz = personas["rep_hangzhou"].staff, personas["dm_guangzhou"].staff
    report(units["330100"], rep, price_change="-5.00", is_major=True)
    report(units["330100"], rep, price_change="3.00")
    report(units["330100"], rep, price_change="-2.00", observed_on=date(2025, 12, 30))  # last quarter: left out
    report(units["440100"], rep_gz, price_change="-1.50")
    response = personas["center"].web().get(reverse("relations:market_overview"))  # the current quarter by default
    assert response.status_code == 200
    regions = {region["name"]: region["rows"] for region in response.context["regions"]}
    east = {row["competitor"]: row for row in regions[units["HD"].name]}["华信金融"]
    assert (east["reports"], east["ups"], east["downs"], east["major"]) == (2, 1, 1, 1)
    assert str(east["average_change"]) == "-1.00" and str(east["biggest_cut"]) == "-5.00"
    assert regions[units["HN"].name][0]["reports"] == 1
    # A regional manager sees only their region.
    response = personas["rm_south"].web().get(reverse("relations:market_overview"), {"period": "2026-Q1"})
    assert [region["name"] for region in response.context["regions"]] == [units["HN"].name]


def test_a_report_is_changed_and_its_tags_follow_on_the_page(personas, units):
    p = product()
    rep = personas["rep_hangzhou"]
    obj = report(units["330100"], rep.staff, tags=["降息"])
    url = reverse("relations:market_report_edit", kwargs={"pk": obj.pk})
    form = {**body(product=p.pk), "tags": "新品发布，渠道返利"}
    response = rep.web().post(url, form)
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.title == "中诚理财下调同类产品费率" and obj.product == p
    assert sorted(obj.tags.values_list("name", flat=True)) == ["新品发布", "渠道返利"]


def test_raising_a_report_as_a_special_event_in_one_step_and_the_links_both_ways(personas, units):
    p = product()
    rep = personas["rep_hangzhou"]
    obj = report(units["330100"], rep.staff, kind="incident", product=p, title="华信金融抢夺重点客户")
    detail = reverse("relations:market_report_detail", kwargs={"pk": obj.pk})
    raise_url = reverse("risk:event_from_market", kwargs={"pk": obj.pk})
    page = rep.web().get(detail)
    assert raise_url in page.content.decode()  # the button, linked by URL name

    response = rep.web().post(raise_url)
    assert response.status_code == 302
    event = SpecialEvent.objects.get()
    assert response["Location"] == reverse("risk:event_detail", kwargs={"pk": event.pk})
    assert event.kind == "market_emergency" and event.severity == "high"  # an incident is grave
    assert event.unit == units["330100"] and event.occurred_on == obj.observed_on
    assert list(event.products.all()) == [p]
    assert f"#{obj.pk}" in event.description and "华信金融" in event.description
    obj.refresh_from_db()
    assert obj.special_event_id == event.pk and obj.is_major and obj.raised_by == rep.staff

    page = rep.web().get(detail)
    body_text = page.content.decode()
    assert reverse("risk:event_detail", kwargs={"pk": event.pk}) in body_text and raise_url not in body_text
    event_page = personas["dm_hangzhou"].web().get(reverse("risk:event_detail", kwargs={"pk": event.pk}))
    assert detail in event_page.content.decode()  # the event links back to the report

    # Once: a second raise is a 409 with the reason, nothing more written.
    with translation.override("en"):
        again = personas["dm_hangzhou"].web().post(raise_url, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 409
    assert SpecialEvent.objects.count() == 1
    # A raised report stays on record.
    assert personas["dm_hangzhou"].api().delete(f"{LIST}{obj.pk}/").status_code == 409
    assert MarketReport.objects.filter(pk=obj.pk).exists()


def test_raise_refusals_out_of_scope_404_and_a_bad_severity_400(personas, units):
    obj = report(units["330100"], personas["rep_hangzhou"].staff)
    url = reverse("risk:event_from_market", kwargs={"pk": obj.pk})
    assert personas["dm_guangzhou"].web().post(url).status_code == 404
    assert personas["rep_hangzhou_2"].web().post(url).status_code == 404  # another salesperson's report
    assert personas["dm_hangzhou"].web().post(url, {"severity": "apocalyptic"}).status_code == 400
    assert personas["dm_hangzhou"].web().post(reverse("risk:event_from_market", kwargs={"pk": 10**12})).status_code == 404
    assert not SpecialEvent.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"product": 10**9}, "product"),  # a product that does not exist
        ({"reliability": "E"}, "reliability"),  # outside the A–D scale
        ({"price_change": "150"}, "price_change"),  # more than doubled: not believable
        ({"price_change": "-100"}, "price_change"),  # fell to nothing
        ({"price_change": "1e9999"}, "price_change"),
        ({"price_change": "abc"}, "price_change"),
        ({"price_level": "-3"}, "price_level"),
        ({"price_level": "12.345"}, "price_level"),
        ({"observed_on": "2026-03-17"}, "observed_on"),  # tomorrow
        ({"observed_on": "1890-01-01"}, "observed_on"),
        ({"kind": "gossip"}, "kind"),
        ({"competitor": ""}, "competitor"),  # a price report names its competitor
        ({"tags": ["x" * 31]}, "tags"),
        ({"tags": [f"t{n}" for n in range(11)]}, "tags"),
        ({"title": "a\x00b"}, "title"),
    ],
)
def test_bad_input_is_refused_on_its_field_with_nothing_written(personas, units, fields, field):
    response = (
        personas["dm_hangzhou"].api(language="en").post(LIST, {**body(), "unit": units["330100"].pk, **fields}, format="json")
    )
    assert response.status_code == 400, response.content
    errors = response.json().get("errors", response.json())
    assert field in errors, response.json()
    assert not MarketReport.objects.exists() and not MarketTag.objects.exists()


def test_a_product_the_company_no_longer_sells_is_refused(personas, units):
    old = product(code="P-OLD", name="停售产品", active=False)
    with translation.override("en"):
        response = (
            personas["dm_hangzhou"]
            .api(language="en")
            .post(LIST, {**body(product=old.pk), "unit": units["330100"].pk}, format="json")
        )
    assert response.status_code == 400
    assert "does not sell" in response.json()["errors"]["product"][0]
    # The page refuses it too (not offered), with a 400 and nothing written.
    page = (
        personas["dm_hangzhou"]
        .web()
        .post(reverse("relations:market_report_create"), {**body(product=old.pk), "unit": units["330100"].pk, "tags": ""})
    )
    assert page.status_code == 400 and "product" in page.context["form"].errors
    assert not MarketReport.objects.exists()


def test_scope_and_rights(personas, units):
    obj = report(units["330100"], personas["rep_hangzhou_2"].staff)
    detail = f"{LIST}{obj.pk}/"
    assert personas["dm_guangzhou"].api().get(detail).status_code == 404
    assert personas["rep_hangzhou"].api().get(detail).status_code == 404  # another salesperson's
    assert personas["rep_hangzhou"].web().get(reverse("relations:market_report_detail", kwargs={"pk": obj.pk})).status_code == 404
    assert personas["dm_guangzhou"].api().patch(detail, body(), format="json").status_code == 404
    assert personas["dm_guangzhou"].api().delete(detail).status_code == 404
    # A branch system's key reads its part but writes no reports.
    assert personas["key_hangzhou"].api().get(detail).status_code == 200
    assert personas["key_hangzhou"].api().post(LIST, {**body(), "unit": units["330100"].pk}, format="json").status_code == 403
    # A unit outside the scope named in a create: 400 on the unit; the center as a unit: 400 too.
    response = personas["dm_hangzhou"].api().post(LIST, {**body(), "unit": units["440100"].pk}, format="json")
    assert response.status_code == 400 and "unit" in response.json()["errors"]
    response = personas["center"].api().post(LIST, {**body(), "unit": units["HQ"].pk}, format="json")
    assert response.status_code == 400 and "unit" in response.json()["errors"]
    assert MarketReport.objects.count() == 1
    # The district manager deletes it.
    assert personas["dm_hangzhou"].api().delete(detail).status_code == 204
    assert not MarketReport.objects.exists()
