"""The visit rules' page and API (everyone reads them, the Development Center sets, changes and removes them; bad
input refused on its field, nothing written) and the coverage API (/api/v1/relations/visit-coverage/?unit=): the
same figures as the page, through the scope — a unit outside it is a 404, a salesperson counts their own key
customers only. Pinned clock."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from core.rights import SYSTEM
from customers.models import Customer
from customers.services import customer_create
from relations.models import VisitRule
from relations.selectors.visits import coverage, overdue_customers
from relations.services import visit_record, visit_rule_set

TODAY = date(2026, 3, 18)
RULES = reverse("relations:visit_rule_list")
SET = reverse("relations:visit_rule_set")
API_RULES = reverse("relations-visit-rule-list")
COVERAGE = reverse("relations-visit-coverage")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 3, 18, 4, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _key_customer(name, district, salesperson=None, *, last_visit=None):
    customer = customer_create(by=SYSTEM, name=name, district=district, salesperson=salesperson, is_key=True)
    Customer.objects.filter(pk=customer.pk).update(created_at=timezone.now() - timedelta(days=300))
    if last_visit is not None:
        visit_record(by=SYSTEM, customer=customer, on=last_visit)
    return customer


# --- visit rules -------------------------------------------------------------------------------------------------------


def test_the_center_sets_a_rule_on_the_page_and_it_decides_who_is_due(personas, units):
    customer = _key_customer("杭州华信实业有限公司", units["330100"], last_visit=TODAY - timedelta(days=25))
    assert customer.pk not in overdue_customers(TODAY)  # key customers: 30 days by default
    web = personas["center"].web()
    page = web.get(RULES)
    assert page.status_code == 200 and page.context["may_set"]
    assert [(item.segment, item.days, item.is_default) for item in page.context["in_force"]][0] == ("key", 30, True)
    assert web.get(SET + "?segment=key").status_code == 200
    response = web.post(SET, {"segment": "key", "customer_kind": "", "interval_days": "20"})
    assert response.status_code == 302
    assert VisitRule.objects.get(segment="key", customer_kind="").interval_days == 20
    assert overdue_customers(TODAY)[customer.pk] == 5
    page = web.get(RULES)
    assert [(item.segment, item.days, item.is_default) for item in page.context["in_force"]][0] == ("key", 20, False)
    assert 'data-segment="key" data-days="20"' in page.content.decode()
    # Setting the same class again replaces the rule; removing it brings the default back.
    web.post(SET, {"segment": "key", "customer_kind": "", "interval_days": "25"})
    rule = VisitRule.objects.get(segment="key", customer_kind="")
    assert (rule.interval_days, VisitRule.objects.count()) == (25, 1)
    assert web.post(reverse("relations:visit_rule_delete", kwargs={"pk": rule.pk})).status_code == 302
    assert not VisitRule.objects.exists() and customer.pk not in overdue_customers(TODAY)


def test_managers_and_salespeople_read_the_rules_but_do_not_set_them(personas):
    rule = visit_rule_set(by=SYSTEM, segment="other", customer_kind="institution", interval_days=120)
    for name in ("dm_hangzhou", "rep_hangzhou"):
        web = personas[name].web()
        page = web.get(RULES)
        assert page.status_code == 200 and not page.context["may_set"]
        assert rule in page.context["object_list"]
        assert SET not in page.content.decode()
        assert web.get(SET).status_code == 403
        assert web.post(SET, {"segment": "key", "interval_days": "10"}).status_code == 403
        assert web.post(reverse("relations:visit_rule_delete", kwargs={"pk": rule.pk})).status_code == 403
    assert list(VisitRule.objects.values_list("segment", "customer_kind", "interval_days")) == [("other", "institution", 120)]


def test_bad_input_on_the_page_is_refused_on_its_field(personas):
    web = personas["center"].web()
    for body, field in (
        ({"segment": "key", "interval_days": "0"}, "interval_days"),
        ({"segment": "key", "interval_days": "400"}, "interval_days"),
        ({"segment": "key", "interval_days": "2.5"}, "interval_days"),
        ({"segment": "vip", "interval_days": "10"}, "segment"),
        ({"segment": "key", "customer_kind": "alien", "interval_days": "10"}, "customer_kind"),
    ):
        response = web.post(SET, body)
        assert response.status_code == 400 and field in response.context["form"].errors, body
    assert not VisitRule.objects.exists()


def test_the_rules_api(personas):
    center = personas["center"].api(language="en")
    created = center.post(API_RULES, {"segment": "trading", "customer_kind": "individual", "interval_days": 75}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["segment"], body["customer_kind"], body["interval_days"]) == ("trading", "individual", 75)
    url = reverse("relations-visit-rule-detail", kwargs={"pk": body["id"]})
    changed = center.patch(url, {"interval_days": 50}, format="json")
    assert changed.status_code == 200 and changed.json()["interval_days"] == 50
    for bad, field in (({"interval_days": 0}, "interval_days"), ({"interval_days": 50, "segment": "key"}, "segment")):
        refused = center.patch(url, bad, format="json")
        assert refused.status_code == 400 and field in refused.json()["errors"], refused.json()
    refused = center.post(API_RULES, {"segment": "key", "customer_kind": "alien", "interval_days": 10}, format="json")
    assert refused.status_code == 400 and "customer_kind" in refused.json()["errors"]
    assert VisitRule.objects.get().interval_days == 50
    # Everyone reads; a manager, a salesperson and a branch key do not change them.
    for name in ("dm_hangzhou", "rep_hangzhou", "key_hangzhou"):
        api = personas[name].api(language="en")
        assert [row["id"] for row in api.get(API_RULES).json()["results"]] == [body["id"]]
        assert api.patch(url, {"interval_days": 5}, format="json").status_code == 403
        assert api.delete(url).status_code == 403
    assert VisitRule.objects.get().interval_days == 50
    assert center.delete(url).status_code == 204 and not VisitRule.objects.exists()


# --- the coverage API ------------------------------------------------------------------------------------------------


@pytest.fixture
def key_customers(personas, units):
    rep, rep2 = personas["rep_hangzhou"].staff, personas["rep_hangzhou_2"].staff
    return {
        "fresh": _key_customer("杭州甲公司", units["330100"], rep, last_visit=TODAY - timedelta(days=3)),
        "late": _key_customer("杭州乙公司", units["330100"], rep, last_visit=TODAY - timedelta(days=40)),
        "never": _key_customer("杭州丙公司", units["330100"], rep2),
        "gz": _key_customer("广州丁公司", units["440100"], last_visit=TODAY - timedelta(days=1)),
    }


def test_coverage_api_answers_the_pages_figures_in_scope(personas, units, key_customers):
    dm = personas["dm_hangzhou"]
    response = dm.api().get(COVERAGE, {"unit": units["330100"].pk})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["unit"], body["as_of"], body["month_start"], body["by"]) == (
        units["330100"].pk,
        "2026-03-18",
        "2026-03-01",
        "person",
    )
    total = body["total"]
    assert (total["customers"], total["visited_this_month"], total["never_visited"], total["overdue"]) == (3, 1, 1, 2)
    assert (total["days_max"], total["days_average"]) == (40, 22)  # (3 + 40) / 2, half up
    page = dm.web().get(reverse("relations:visit_coverage"), {"unit": units["330100"].pk})
    table = page.context["table"]
    assert [(row["label"], row["customers"], row["overdue"]) for row in body["rows"]] == [
        (row.label, row.customers, row.overdue) for row in table["rows"]
    ]
    assert [row["customer"] for row in body["customers"]] == [row.customer_id for row in table["customers"]]
    late = next(row for row in body["customers"] if row["customer"] == key_customers["late"].pk)
    assert (late["last_on"], late["days_since"], late["due_on"], late["days_overdue"]) == ("2026-02-06", 40, "2026-03-08", 10)
    assert key_customers["gz"].pk not in {row["customer"] for row in body["customers"]}
    # The province, per child unit: 杭州's row.
    province = personas["pm_zhejiang"].api().get(COVERAGE, {"unit": units["330000"].pk}).json()
    assert province["by"] == "unit" and province["total"]["customers"] == 3
    expected = coverage(user=personas["pm_zhejiang"].user, unit=units["330000"], as_of=TODAY)
    assert [(row["key"], row["customers"]) for row in province["rows"]] == [
        (row.key.pk, row.customers) for row in expected["rows"]
    ]


def test_coverage_api_scope_and_bad_input(personas, units, key_customers):
    assert personas["dm_guangzhou"].api().get(COVERAGE, {"unit": units["330100"].pk}).status_code == 404
    assert personas["key_guangdong"].api().get(COVERAGE, {"unit": units["330100"].pk}).status_code == 404
    assert personas["dm_hangzhou"].api().get(COVERAGE, {"unit": units["330000"].pk}).status_code == 404  # above them
    assert personas["dm_hangzhou"].api().get(COVERAGE, {"unit": 10**12}).status_code == 404
    bad = personas["dm_hangzhou"].api(language="en").get(COVERAGE, {"unit": "abc"})
    assert bad.status_code == 400 and "unit" in bad.json()["errors"]
    bad = personas["dm_hangzhou"].api(language="en").get(COVERAGE, {"by": "everyone"})
    assert bad.status_code == 400 and "by" in bad.json()["errors"]
    # A salesperson: their own unit by default, their own key customers only.
    mine = personas["rep_hangzhou"].api().get(COVERAGE).json()
    assert mine["unit"] == units["330100"].pk
    assert {row["customer"] for row in mine["customers"]} == {key_customers["fresh"].pk, key_customers["late"].pk}
    # A branch key of 杭州 reads its district; the center any unit.
    assert personas["key_hangzhou"].api().get(COVERAGE, {"unit": units["330100"].pk}).json()["total"]["customers"] == 3
    assert personas["center"].api().get(COVERAGE, {"unit": units["440100"].pk}).json()["total"]["customers"] == 1
