"""The attainment table: the figures of plans.selectors.attainment, read from the summaries, ranked among
siblings, in a constant number of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.rights import SYSTEM
from performance.selectors import attainment_table, ranking
from plans.choices import Metric
from plans.selectors import attainment
from plans.services import target_set

PERIOD = "2026-Q1"


@pytest.fixture
def targets(facts, units):
    made = []
    for code, value in [("HD", "900000.00"), ("330000", "500000.00"), ("330100", "300000.00"), ("330200", "100000.00")]:
        made.append(target_set(metric="sales_amount", period=PERIOD, unit=units[code], value=value, by=SYSTEM))
        made.append(target_set(metric="collections", period=PERIOD, unit=units[code], value=value, by=SYSTEM))
        made.append(target_set(metric="new_customers", period=PERIOD, unit=units[code], value="2", by=SYSTEM))
    for person in facts["reps"]["330100"]:
        made.append(target_set(metric="sales_amount", period=PERIOD, staff=person, value="50000.00", by=SYSTEM))
        made.append(target_set(metric="new_customers", period=PERIOD, staff=person, value="1", by=SYSTEM))
    # 320000 (江苏) has a zero target: no rate, no rank.
    made.append(target_set(metric="sales_amount", period=PERIOD, unit=units["320000"], value="0.00", by=SYSTEM))
    return made


def _rows(table):
    rows = {(table["head"]["kind"], table["head"]["id"]): table["head"]}
    rows.update({(child["kind"], child["id"]): child for child in table["children"]})
    return rows


def test_table_figures_equal_plans_attainment(targets, personas, units):
    director = personas["director"].user
    seen = 0
    for code in ["HD", "330000", "330100"]:
        table = attainment_table(user=director, unit=units[code], period=PERIOD)
        rows = _rows(table)
        for target in targets:
            key = ("staff", target.staff_id) if target.staff_id else ("unit", target.unit_id)
            if key not in rows:
                continue
            figure = rows[key]["figures"][target.metric]
            expected = attainment(target=target)
            assert (figure["target"], figure["actual"], figure["rate"]) == (
                expected["target"],
                expected["actual"],
                expected["rate"],
            ), (code, target.metric, key)
            seen += 1
    assert seen >= 15


def test_children_are_active_units_or_district_sales_staff_ranked_by_rate(targets, personas, units, facts):
    director = personas["director"].user
    table = attainment_table(user=director, unit=units["HD"], period=PERIOD)
    assert table["child_kind"] == "unit"
    codes = [child["code"] for child in table["children"]]
    assert codes == sorted(codes) and "330000" in codes and "320000" in codes
    by_code = {child["code"]: child for child in table["children"]}
    assert by_code["330000"]["figures"]["sales_amount"]["rank"] == 1
    assert by_code["320000"]["figures"]["sales_amount"]["rate"] is None
    assert by_code["320000"]["figures"]["sales_amount"]["rank"] is None
    assert ranking(table, "sales_amount")[0]["code"] == "330000"

    province = attainment_table(user=director, unit=units["330000"], period=PERIOD)
    ranks = {c["code"]: c["figures"]["sales_amount"] for c in province["children"] if c["code"] in ("330100", "330200")}
    ordered = sorted(ranks, key=lambda code: (-ranks[code]["rate"], code))
    assert [ranks[code]["rank"] for code in ordered] == [1, 2]

    district = attainment_table(user=director, unit=units["330100"], period=PERIOD)
    assert district["child_kind"] == "staff"
    assert {c["id"] for c in district["children"]} == {p.pk for p in facts["reps"]["330100"]}
    # Ties broken by code: both reps' new-customer rates may differ; ranks are 1..n without gaps.
    ranks = sorted(c["figures"]["new_customers"]["rank"] for c in district["children"])
    assert ranks == [1, 2]


def test_a_salesperson_sees_only_their_own_row(targets, personas, units):
    rep = personas["rep_hangzhou"]
    table = attainment_table(user=rep.user, unit=units["330100"], period=PERIOD)
    assert table["children"] == []
    assert (table["head"]["kind"], table["head"]["id"]) == ("staff", rep.staff.pk)
    target = next(t for t in targets if t.staff_id == rep.staff.pk and t.metric == Metric.SALES_AMOUNT)
    assert table["head"]["figures"]["sales_amount"]["rate"] == attainment(target=target)["rate"]


def test_no_target_no_rate_and_other_metrics_refused(facts, personas, units):
    from core.errors import Unprocessable

    table = attainment_table(user=personas["director"].user, unit=units["HN"], period="2026")
    assert table["head"]["figures"]["sales_amount"]["target"] is None
    assert table["head"]["figures"]["sales_amount"]["rate"] is None
    assert table["head"]["figures"]["sales_amount"]["actual"] > Decimal(0)
    with pytest.raises(Unprocessable):
        attainment_table(user=personas["director"].user, unit=units["HN"], period="2026", metrics=["key_customer_contracts"])


def test_queries_do_not_grow_with_children_or_facts(targets, personas, units):
    director = personas["director"].user
    counts = {}
    for code in ["HQ", "HD", "330000", "330100", "440300"]:
        with CaptureQueriesContext(connection) as captured:
            attainment_table(user=director, unit=units[code], period=PERIOD)
        counts[code] = len(captured)
    assert max(counts.values()) <= 4, counts


def test_api_and_page_queries_do_not_grow_with_the_unit(targets, personas, units):
    from django.urls import reverse

    client, web = personas["director"].api(), personas["director"].web()
    counts = []
    for code in ["HQ", "HD", "330100"]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("report-attainment"), {"unit": units[code].pk, "period": PERIOD}).status_code == 200
        with CaptureQueriesContext(connection) as page:
            assert web.get(reverse("performance:attainment"), {"unit": units[code].pk, "period": PERIOD}).status_code == 200
        counts.append((len(captured), len(page)))
    # Measured: API 4 (HQ, region) and 5 (district: staff and the head apart); the page adds the session,
    # the user, navigation and the trail of units above.
    assert max(api for api, _page in counts) <= 5, counts
    assert max(page for _api, page in counts) <= 14, counts


def test_demo_builds_the_summaries_once(facts):
    from performance.demo import load_demo_performance
    from performance.models import MonthlyFact

    assert load_demo_performance() == {"rows": 0}
    MonthlyFact.objects.unscoped().all().delete()
    assert load_demo_performance()["rows"] > 0
    assert load_demo_performance() == {"rows": 0}


def test_a_unit_outside_the_scope_is_refused(personas, units):
    from django.http import Http404

    with pytest.raises(Http404):
        attainment_table(user=personas["rm_east"].user, unit=units["HN"], period=PERIOD)
    with pytest.raises(Http404):
        attainment_table(user=personas["rep_hangzhou"].user, unit=units["330000"], period=PERIOD)
    assert attainment_table(user=personas["rm_south"].user, unit=units["HN"], period=PERIOD)["head"]["code"] == "HN"
