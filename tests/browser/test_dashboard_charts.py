"""The dashboard's charts as drawn in Chromium (issue 14; the fourth gauge, new channels, issue 17): the four attainment gauges each show their own
rate on their own arc (capped at 100 %, the true rate in the label), never overlap nor leave their box —
at laptop and at phone width, month and year; the collections line is not smoothed below zero; the
overdue-share threshold label sits inside the plot. Read from the ECharts instances (page.evaluate)."""

from decimal import Decimal

from django.utils import timezone

from core.periods import Period
from core.rights import SYSTEM
from core.roles import Role
from plans.services import target_set
from tests.browser.steps import expect, log_in, one_sale_in_hangzhou

GAUGES = """() => {
  const el = document.getElementById('chart-gauges');
  const chart = echarts.getInstanceByDom(el);
  return {
    width: el.clientWidth,
    height: el.clientHeight,
    series: chart.getOption().series.map(s => ({
      center: s.center, radius: s.radius, value: s.data[0].value, rate: s.data[0].rate, progress: s.progress.show,
      label: s.detail.formatter(s.data[0].value),
    })),
  };
}"""


def _check_layout(drawn):
    series = drawn["series"]
    assert len(series) == 4
    for s in series:
        (x, y), r = s["center"], s["radius"]
        assert r >= 24
        assert x - r >= 0 and x + r <= drawn["width"] and y - r >= 0 and y + r <= drawn["height"], drawn
    for a, b in zip(series, series[1:], strict=False):
        assert b["center"][0] - a["center"][0] >= a["radius"] + b["radius"], drawn  # side by side, apart


def _check_values(drawn, rates):
    for s, rate in zip(drawn["series"], rates, strict=True):
        assert s["rate"] == (None if rate is None else float(rate))
        if rate is None:
            assert s["progress"] is False and s["label"] == "—"
        else:
            # Each value on its own gauge: the arc is the rate, capped at 100; the label the true rate.
            assert abs(s["value"] - min(100.0, float(rate) * 100)) < 1e-6
            assert s["progress"] is True and s["label"] == f"{float(rate) * 100:.1f}%"


def test_gauges_trend_and_threshold_are_drawn_right_at_laptop_and_phone_width(page, org, hire):
    hire("rm_east", name="华东经理", role=Role.REGIONAL_MANAGER, unit="HD")
    rep = hire("rep_hz", name="杭州业务员", role=Role.SALES_REP, unit="330100")
    today = timezone.localdate()
    month, year = Period.parse(f"{today:%Y-%m}"), Period.parse(f"{today:%Y}")
    one_sale_in_hangzhou(org, rep, issued=month.start, amount="20400.00")
    # Sales at 20.4 % of the month's target and 204 % of the year's; collections at 0 %; no new-customer target.
    target_set(metric="sales_amount", period=str(month), unit=org["HD"], value="100000.00", by=SYSTEM)
    target_set(metric="collections", period=str(month), unit=org["HD"], value="50000.00", by=SYSTEM)
    target_set(metric="sales_amount", period=str(year), unit=org["HD"], value="10000.00", by=SYSTEM)
    # New channels: a target of 4 this year and none signed yet — 0 %; no target this month.
    target_set(metric="new_channels", period=str(year), unit=org["HD"], value="4", by=SYSTEM)

    log_in(page, "rm_east")
    expect(page.locator("#chart-gauges canvas").first).to_be_visible()
    drawn = page.evaluate(GAUGES)
    _check_layout(drawn)
    _check_values(drawn, [Decimal("0.204"), Decimal("0"), None, None])

    page.locator("#dash-period-switch [data-period=year]").click()
    drawn = page.evaluate(GAUGES)
    _check_layout(drawn)
    _check_values(drawn, [Decimal("2.04"), None, None, Decimal("0")])

    # At phone width the gauges shrink with the box and still neither overlap nor leave it.
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function("document.getElementById('chart-gauges').clientWidth < 380")
    page.wait_for_timeout(400)  # the resize handler is debounced by 100 ms
    drawn = page.evaluate(GAUGES)
    assert drawn["width"] < 380
    _check_layout(drawn)
    _check_values(drawn, [Decimal("2.04"), None, None, Decimal("0")])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    trend = page.evaluate(
        "() => { const o = echarts.getInstanceByDom(document.getElementById('chart-trend')).getOption();"
        " return {smooth: o.series[1].smooth, min: o.yAxis[0].min}; }"
    )
    assert trend == {"smooth": False, "min": 0}
    mark = page.evaluate(
        "() => { const o = echarts.getInstanceByDom(document.getElementById('chart-overdue')).getOption();"
        " return {position: o.series[0].markLine.label.position, text: o.series[0].markLine.label.formatter}; }"
    )
    assert mark == {"position": "insideEndTop", "text": "预警线 30.0%"}
