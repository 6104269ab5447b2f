"""The UI patterns of docs/UI_PATTERNS.md: the list page's header says whose rows it shows, and the includes
(KPI card, empty state, page header) render what they are given, figures by the one rule."""

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


@pytest.mark.parametrize(
    ("persona", "url", "subtitle"),
    [
        ("center", "regions:staff_list", "全公司"),
        ("rm_east", "regions:staff_list", "华东大区及下级单位"),
        ("dm_hangzhou", "customers:customer_list", "杭州市及下级单位"),
        ("rep_hangzhou", "customers:customer_list", "本人负责 · 杭州市"),
    ],
)
def test_a_list_page_header_says_whose_rows_it_shows(personas, persona, url, subtitle):
    page = personas[persona].web().get(reverse(url), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'<p class="app-page-subtitle">{subtitle}</p>' in page
    assert 'class="app-page-actions"' in page


def test_an_empty_list_says_so_in_the_empty_state(personas):
    response = personas["center"].web().get(reverse("regions:staff_list"), {"q": "nobody-has-this-name-zzz"})
    assert response.context["paginator"].count == 0
    page = response.content.decode()
    assert 'class="app-empty app-empty-compact"' in page


def test_the_kpi_card_shows_the_figure_the_comparison_and_the_attainment():
    with translation.override("zh-hans"):
        html = render_to_string(
            "inc/kpi_card.html",
            {
                "label": "本月销售额",
                "value": "832.96 万",
                "comparison": "目标",
                "compare_value": "1,000.00 万",
                "rate": Decimal("83.296"),
                "href": "/dashboard/?unit=1",
                "card_id": "kpi-sales",
            },
        )
    assert html.lstrip().startswith('<a class="card h-100 app-kpi app-kpi-link') and 'id="kpi-sales"' in html
    assert '<div class="app-kpi-value">832.96 万</div>' in html
    assert '目标 <span class="num">1,000.00 万</span>' in html
    assert '完成率 <span class="num">83.3%</span>' in html  # one decimal, by core/formats.py
    assert 'style="width: 83.3%"' in html and "bg-warning" in html
    capped = render_to_string("inc/kpi_card.html", {"label": "x", "value": "1", "rate": Decimal("180")})
    assert 'style="width: 100%"' in capped and "bg-success" in capped and "180.0%" in capped
    bare = render_to_string("inc/kpi_card.html", {"label": "新增渠道数", "value": None, "note": "尚未记录"})
    assert "—" in bare and "progress" not in bare and "尚未记录" in bare and bare.lstrip().startswith("<div")


def test_the_empty_state_says_what_is_missing_who_sets_it_and_where():
    html = render_to_string(
        "inc/empty_state.html",
        {"what": "本月尚未设定目标。", "who": "省级经理在营销计划中分解。", "link_url": "/plans/", "link_label": "查看计划"},
    )
    assert '<p class="app-empty-what">本月尚未设定目标。</p>' in html
    assert '<p class="app-empty-who">省级经理在营销计划中分解。</p>' in html
    assert 'href="/plans/"' in html and "查看计划" in html
    assert "app-empty-who" not in render_to_string("inc/empty_state.html", {"what": "x"})


def test_the_page_header_include_names_whose_page_and_which_period():
    html = render_to_string("inc/page_header.html", {"title": "应收账款", "subtitle": "浙江省", "period": "2026-12"})
    assert "<h1>应收账款</h1>" in html and '浙江省</span> · <span class="app-page-period">2026-12' in html
    assert "app-page-actions" not in html  # no actions, no empty box
    assert "app-page-subtitle" not in render_to_string("inc/page_header.html", {"title": "x"})
