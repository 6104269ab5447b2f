"""How the dashboard says its figures (issue 14): card figures by the one rule of core/formats.py (万 with the
exact amount in the title, separators, one-decimal rates, the same number in an alert and in the table),
alerts grouped by kind, whose figures a drill-down page shows (never the viewer's own to-dos as the
subject's), the ageing buckets of the ageing page, and an empty target state that says who sets it."""

import re
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core import formats
from core.rights import SYSTEM
from customers.selectors import ageing_buckets
from dashboard import selectors
from plans.services import target_set
from tests.dashboard.conftest import TODAY
from workflow.services import task_create

PAGE = reverse("dashboard:dashboard")
API = reverse("dashboard-api")
# The clock at TODAY (Beijing), so "this month" is the facts' last month.
NOW = datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))
# An amount of 4+ digits written without separators ("8329550.00"), outside the chart data.
BARE_AMOUNT = re.compile(r"(?<![\d,.])\d{4,}\.\d{2}(?!\d)")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _html(response):
    """The page without the charts' JSON (numbers there are data, not text a person reads)."""
    text = response.content.decode()
    return text.split('<script id="dashboard-charts"')[0]


def _between(text, start, end):
    return text[text.index(start) : text.index(end, text.index(start))]


def test_card_figures_use_wan_with_the_exact_amount_in_the_title(facts, personas, units, clock):
    zhejiang = units["330000"]
    target_set(metric="sales_amount", period="2026-04", unit=zhejiang, value="1234567.80", by=SYSTEM)
    response = personas["rm_east"].web().get(PAGE, {"unit": zhejiang.pk})
    assert response.status_code == 200
    html = _html(response)
    data = selectors.dashboard(user=personas["rm_east"].user, unit=zhejiang, today=TODAY)
    sales = data["head"]["month"]["sales_amount"]
    assert sales["actual"] >= 10_000  # big enough for 万
    card = _between(html, 'id="kpi-month-sales_amount"', "</div>\n    </div>\n  </div>")
    assert f'title="{formats.money(sales["actual"])}">{formats.money_short(sales["actual"])}</div>' in card
    assert formats.money_short(sales["actual"]).endswith(" 万")
    # The target likewise, and the attainment with one decimal from the one rate.
    assert '<span title="1,234,567.80">123.46 万</span>' in card
    assert f"{formats.fraction_rate(sales['rate'])}</div>" in card
    # Counts whole and grouped, never "1.00".
    customers = data["head"]["year"]["new_customers"]["actual"]
    assert f'data-testid="kpi-value">{formats.count(customers)}</div>' in html
    # Nowhere on the page an amount of 4+ digits without separators.
    assert not BARE_AMOUNT.findall(html), BARE_AMOUNT.findall(html)[:5]


def test_a_rate_is_the_same_number_in_the_alert_and_in_the_table(facts, personas, units, clock):
    """Both format the one computed fraction with one decimal: never 43.8 % in an alert and 44 % beside it."""
    zhejiang = units["330000"]
    data = selectors.dashboard(user=personas["rm_east"].user, unit=zhejiang, today=TODAY)
    html = _html(personas["rm_east"].web().get(PAGE, {"unit": zhejiang.pk}))
    head_share = data["receivables"]["overdue_share"]
    assert head_share is not None
    text = formats.fraction_rate(head_share)
    assert re.fullmatch(r"\d+\.\d%", text)
    assert f'data-testid="overdue-share">{text}</td>' in html
    alerts = [a for a in data["alerts"] if a["code"] == "overdue_share" and a["subject"]["is_head"]]
    if head_share > selectors.OVERDUE_ALERT:
        assert text in alerts[0]["message"] and alerts[0]["message"] in html
    # The rankings and the children table write the same rates the same way (no widthratio rounding).
    for child in data["children"]:
        share = child["receivables"]["overdue_share"]
        if share is not None:
            assert f">{formats.fraction_rate(share)}</td>" in html


def test_alert_sentences_round_a_rate_once_half_up():
    alert = {"code": "overdue_share", "subject": {"name": "杭州市"}, "value": Decimal("0.4375")}
    assert "43.8%" in selectors.ALERT_TEXT["overdue_share"](alert)
    assert formats.fraction_rate(Decimal("0.4375")) == "43.8%"


def _overdue(name, pk, value, head=False):
    return {
        "code": "overdue_share",
        "level": "danger" if head else "warning",
        "period": None,
        "subject": {"kind": "unit", "id": pk, "name": name, "is_head": head},
        "value": Decimal(value),
        "threshold": selectors.OVERDUE_ALERT,
        "message": f"{name} {value}",
    }


def test_many_alerts_of_one_kind_are_one_row_with_the_count_and_the_worst_three():
    alerts = [_overdue("浙江省", 1, "0.41", head=True)]
    alerts += [_overdue(f"地办{n}", 100 + n, f"0.{31 + n * 3}") for n in range(11)]
    alerts.append(
        {
            "code": "tasks_overdue",
            "level": "danger",
            "period": None,
            "subject": None,
            "value": Decimal(2),
            "threshold": None,
            "message": "t",
        }
    )
    groups = selectors.alert_groups(alerts)
    assert [(g["code"], g["count"]) for g in groups] == [("overdue_share", 1), ("overdue_share", 11), ("tasks_overdue", 1)]
    group = groups[1]
    assert [a["subject"]["name"] for a in group["worst"]] == ["地办10", "地办9", "地办8"]  # highest share first
    assert len(group["alerts"]) == 11 and group["alerts"][0]["value"] == Decimal("0.61")
    assert "11" in group["message"]
    # Below the pace: the lowest attainment is the worst.
    below = [
        {**_overdue(f"地办{n}", n, f"0.{n}"), "code": "below_pace", "period": "month", "threshold": Decimal("0.5")}
        for n in (3, 1, 2)
    ]
    (group,) = selectors.alert_groups(below)
    assert [a["subject"]["id"] for a in group["worst"]] == [1, 2, 3]


def test_the_page_shows_same_kind_alerts_of_the_units_below_as_one_expandable_row(facts, personas, units, clock):
    zhejiang = units["330000"]
    # Both districts far below the month's pace: two alerts of one kind.
    for code in ("330100", "330200"):
        target_set(metric="sales_amount", period="2026-04", unit=units[code], value="900000000.00", by=SYSTEM)
    html = _html(personas["pm_zhejiang"].web().get(PAGE, {"unit": zhejiang.pk}))
    rows = re.findall(r'data-alert="below_pace" data-count="(\d+)"', html)
    assert rows == ["2"]
    row = _between(html, 'data-alert="below_pace" data-count="2"', "</details>")
    assert "<details" in row and "2 个下级单位本月销售完成率低于进度要求" in row
    assert row.count("/dashboard/?unit=") == 4  # the worst two named, and the full list with its links


def test_a_drill_down_page_does_not_show_the_viewers_to_dos_as_the_persons(facts, personas, units, clock):
    viewer = personas["rm_east"]
    for n in (1, 2):
        task_create(title=f"逾期任务{n}", owner=viewer.staff, due_on=date(2026, 4, 1), by=SYSTEM)
    rep = personas["rep_hangzhou"].staff
    client = viewer.web()

    own = _html(client.get(PAGE))
    assert 'data-alert="tasks_overdue"' in own and "您已逾期的任务：2 项" in own
    assert 'id="worklist-tasks"' in own and 'id="viewer-worklist"' not in own

    page = client.get(PAGE, {"staff": rep.pk})
    html = _html(page)
    assert page.context["own"] is False
    # The header says whose figures these are; the viewer's overdue tasks are not among the person's alerts.
    subject = _between(html, 'data-testid="dashboard-subject"', "</p>")
    assert rep.name in subject and viewer.staff.name in subject
    assert 'data-alert="tasks_overdue"' not in html and "您已逾期的任务" not in html
    assert 'id="worklist-tasks"' not in html
    # They are apart, labelled as the viewer's own.
    aside = _between(html, 'id="viewer-worklist"', "</aside>")
    assert f"我的待办（{viewer.staff.name} 本人" in aside and "2 项已逾期" in aside
    # The API says the same: the caller's alerts apart from the subject's.
    body = viewer.api().get(API, {"staff": rep.pk}).json()
    assert body["own"] is False
    assert "tasks_overdue" not in [a["code"] for a in body["alerts"]]
    assert [a["code"] for a in body["viewer_alerts"]] == ["tasks_overdue"]
    assert viewer.api().get(API).json()["own"] is True


def test_ageing_buckets_are_the_ageing_pages(facts, personas, units, clock):
    client = personas["rm_east"].web()
    ageing_page = client.get(reverse("customers:ageing"), {"unit": units["330000"].pk})
    assert ageing_page.status_code == 200
    page_labels = [str(bucket.label) for bucket in ageing_page.context["report"].buckets]
    assert page_labels == [str(bucket.label) for bucket in ageing_buckets()]
    data = selectors.dashboard(user=personas["rm_east"].user, unit=units["330000"], today=TODAY)
    assert [b["label"] for b in data["receivables"]["buckets"]] == page_labels
    response = client.get(PAGE, {"unit": units["330000"].pk})
    assert [b["label"] for b in response.context["charts"]["ageing"]] == page_labels
    table = _between(_html(response), 'id="receivables-table"', "</thead>")
    assert all(f">{label}</th>" in table for label in page_labels)
    # The receivables link opens the ageing page with its own (the same) buckets, not a second list.
    assert "buckets=" not in _between(_html(response), 'data-testid="drill-ageing"', "</a>") and "buckets=" not in table


def test_a_missing_target_says_who_sets_it_and_where(facts, personas, units, clock):
    zhejiang = units["330000"]
    html = _html(personas["rm_east"].web().get(PAGE, {"unit": zhejiang.pk}))
    card = _between(html, 'id="kpi-month-sales_amount"', "</div>\n    </div>\n  </div>")
    assert "本月目标未设定" in card and "未设目标" not in card
    assert f'href="{reverse("plans:target_list")}?unit={zhejiang.pk}"' in card
    assert f"由{units['HD'].name}在 计划 › 目标 中分解设定" in card
    # Below: the unit shown splits its target to the units below.
    ranking = _between(html, 'id="ranking-month"', "</ol>")
    assert "下级本月目标尚未设定" in ranking and f"由{zhejiang.name}在 计划 › 目标 中分解下达" in ranking
    # A salesperson's target comes from their district office.
    rep = personas["rep_hangzhou"].staff
    html = _html(personas["rm_east"].web().get(PAGE, {"staff": rep.pk}))
    card = _between(html, 'id="kpi-month-sales_amount"', "</div>\n    </div>\n  </div>")
    assert f"由{units['330100'].name}在" in card and f"?staff={rep.pk}" in card
