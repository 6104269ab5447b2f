"""Filters, forms and the frame as a person sees them (issue 14, items 7, 8 and 10): empty choices read 全部 in
a filter bar and 请选择 in a form (never Django's `---------`), yes/no filters default to 全部 (not 未知), one
badge colour per state, counts in the bar as badges, the API docs and the admin in the user menu, a branded
admin, /favicon.ico, and the start-up check that a CJK font is installed for the PDFs."""

import re

import django_filters
import pytest
from django.core import checks
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from core import checks as core_checks
from core.nav import counted
from core.ui import name_empty_choices
from regions.models import OrgUnit

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _options(html, name):
    """[(value, selected, label)] of the select `name` in `html`."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    return [
        (value, bool(selected), label.strip())
        for value, selected, label in re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select.group(1))
    ]


# ------------------------------------------------------------------------------------------ filters and forms


class _Filters(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=[("a", "A"), ("b", "B")])
    unit = django_filters.ModelChoiceFilter(queryset=OrgUnit.objects.none())
    active = django_filters.BooleanFilter()

    class Meta:
        model = OrgUnit
        fields = []


def test_name_empty_choices_gives_every_filter_an_all_choice_and_yes_no_a_default_of_all(db):
    form = name_empty_choices(_Filters({}, queryset=OrgUnit.objects.none()).form)
    with translation.override("zh-hans"):
        html = form.as_p()
        assert "---------" not in html and "未知" not in html
        assert list(form.fields["kind"].choices)[0] == ("", "全部")
        assert list(form.fields["active"].widget.choices) == [("", "全部"), ("true", "是"), ("false", "否")]
    # The yes/no filter still reads true/false, and anything else is no filter.
    bound = _Filters({"active": "false"}, queryset=OrgUnit.objects.all())
    name_empty_choices(bound.form)
    assert bound.is_valid() and bound.form.cleaned_data["active"] is False
    unset = _Filters({}, queryset=OrgUnit.objects.all())
    name_empty_choices(unset.form)
    assert unset.is_valid() and unset.form.cleaned_data["active"] is None


def test_a_deliberate_empty_label_is_kept(db):
    form = _Filters({}, queryset=OrgUnit.objects.none()).form
    form.fields["unit"].empty_label = "整个公司"
    name_empty_choices(form)
    assert form.fields["unit"].empty_label == "整个公司"


@pytest.mark.parametrize(
    ("persona", "url", "select"),
    [
        ("rm_east", "customers:customer_list", "is_key"),
        ("rm_east", "workflow:task_list", "overdue"),
        ("center", "approvals:queue", "kind"),
        ("rm_east", "plans:plan_list", "kind"),
    ],
)
def test_filter_bars_default_to_all_never_dashes_or_unknown(personas, persona, url, select):
    html = personas[persona].web().get(reverse(url), **ZH).content.decode()
    bar = html[html.index('class="row g-2 align-items-end app-filter"') :]
    bar = bar[: bar.index("</form>")]
    assert "---------" not in bar and "未知" not in bar
    options = _options(bar, select)
    assert options[0][0] == "" and options[0][2] == "全部"
    assert [label for _value, selected, label in options if selected] in ([], ["全部"])


def test_a_forms_empty_choice_reads_please_choose_and_staff_pickers_search(personas):
    html = personas["rm_east"].web().get(reverse("customers:customer_create"), **ZH).content.decode()
    assert "---------" not in html
    assert '<option value="" selected>请选择</option>' in html
    tasks = personas["rm_east"].web().get(reverse("workflow:task_create"), **ZH).content.decode()
    owner = re.search(r'<select name="owner"[^>]*>', tasks).group(0)
    assert "data-search" in owner and 'data-search-placeholder="输入姓名、工号或单位搜索"' in owner
    assert "js/picker.js" in tasks


# ------------------------------------------------------------------------------------------ statuses and the bar


def test_one_badge_colour_per_state():
    template = Template("{% load ui %}{% status_badge state label %}")
    classes = {}
    for state in ("draft", "built", "submitted", "pending", "approved", "returned", "rejected", "withdrawn"):
        html = template.render(Context({"state": state, "label": state}))
        classes[state] = re.search(r'class="badge app-state ([^"]+)"', html).group(1)
        assert f'data-state="{state}"' in html
    # The states the reports list showed alike now differ; waiting states share a colour.
    assert len({classes["built"], classes["submitted"], classes["approved"]}) == 3
    assert classes["draft"] == "text-bg-secondary" and classes["approved"] == "text-bg-success"
    assert classes["submitted"] == classes["pending"] == "text-bg-info"
    assert classes["rejected"] == "text-bg-danger" and classes["returned"] == "text-bg-warning"


def test_status_badge_reads_an_objects_state_and_label():
    class Plan:
        state = "approved"

        def get_state_display(self):
            return "已批准"

    html = Template("{% load ui %}{% status_badge p %}").render(Context({"p": Plan()}))
    assert html == '<span class="badge app-state text-bg-success" data-state="approved">已批准</span>'


def test_counts_in_the_bar_are_badges_not_brackets():
    label = counted("任务", 2, alert=True, title="2 项逾期")
    assert label == "任务" and label.count == 2
    html = Template("{{ label }}").render(Context({"label": label}))
    assert html.startswith('任务 <span class="badge rounded-pill app-nav-count text-bg-danger"')
    assert "(" not in html and "（" not in html
    assert Template("{{ label }}").render(Context({"label": counted("消息", 0)})) == "消息"


def test_api_docs_and_admin_are_in_the_user_menu_for_the_center_only(personas):
    rep = personas["rep_hangzhou"].web().get("/", **ZH)
    assert "/api/docs/" not in [url for _label, url in rep.context["nav_items"]]
    assert rep.context["developer_links"] == [] and "/api/docs/" not in rep.content.decode()
    center = personas["center"].web().get("/", **ZH)
    assert "/api/docs/" not in [url for _label, url in center.context["nav_items"]]
    assert [url for _label, url in center.context["developer_links"]] == ["/api/docs/"]
    assert 'data-testid="developer-link">API 文档<' in center.content.decode()
    # The docs stay where they were for those who use them.
    assert personas["center"].web().get("/api/docs/").status_code == 200


# ------------------------------------------------------------------------------------------ the frame


def test_favicon_answers_and_every_page_links_it(personas, client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an .ico file
    html = personas["rep_hangzhou"].web().get("/").content.decode()
    assert 'rel="icon"' in html and "favicon.svg" in html


def test_the_admin_carries_the_products_name(personas):
    user = personas["director"].user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    html = personas["director"].web().get(reverse("admin:index"), **ZH).content.decode()
    assert "大区销售管理系统 · 后台管理" in html and "主数据与系统管理" in html
    assert "Django 管理" not in html and "Django administration" not in html


def test_the_font_check_errors_in_production_and_warns_elsewhere_without_a_cjk_font(settings, monkeypatch):
    monkeypatch.setattr(core_checks, "cjk_fonts", lambda: [])
    settings.REQUIRE_CJK_FONT = True
    (error,) = core_checks.check_cjk_font()
    assert isinstance(error, checks.Error) and error.id == "core.E010" and "fc-list :lang=zh" in error.hint
    settings.REQUIRE_CJK_FONT = False
    (warning,) = core_checks.check_cjk_font()
    assert warning.level == checks.WARNING and warning.id == "core.W010"
    monkeypatch.setattr(core_checks, "cjk_fonts", lambda: ["Noto Sans CJK SC"])
    settings.REQUIRE_CJK_FONT = True
    assert core_checks.check_cjk_font() == []


def test_the_font_finder_reads_fontconfig_and_finds_nothing_when_it_lists_nothing(monkeypatch, tmp_path):
    class Done:
        def __init__(self, stdout):
            self.returncode, self.stdout = 0, stdout

    monkeypatch.setattr(core_checks.shutil, "which", lambda name: "/usr/bin/fc-list")
    monkeypatch.setattr(
        core_checks.subprocess, "run", lambda *a, **k: Done("Noto Sans CJK SC,Noto Sans CJK SC Regular\nWenQuanYi Zen Hei\n")
    )
    assert core_checks.cjk_fonts() == ["Noto Sans CJK SC", "WenQuanYi Zen Hei"]
    monkeypatch.setattr(core_checks.subprocess, "run", lambda *a, **k: Done(""))
    assert core_checks.cjk_fonts() == []
    # Without fontconfig: font files whose names say CJK.
    monkeypatch.setattr(core_checks.shutil, "which", lambda name: None)
    monkeypatch.setattr(core_checks, "FONT_DIRS", (str(tmp_path),))
    assert core_checks.cjk_fonts() == []
    (tmp_path / "NotoSansCJK-Regular.ttc").write_bytes(b"")
    assert core_checks.cjk_fonts() == ["NotoSansCJK-Regular"]
