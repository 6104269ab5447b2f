"""The people pickers search as one types (issue 14, item 7; static/js/picker.js): the select stays the
form's field, a search box above it narrows its options to those matching, and one match is chosen."""

from core.roles import Role
from tests.browser.steps import expect, log_in


def test_the_owner_picker_narrows_as_one_types(page, org, hire):
    hire("dm_picker", name="杭州地办经理", role=Role.DISTRICT_MANAGER, unit="330100")
    hire("rep_a", name="张三", role=Role.SALES_REP, unit="330100")
    lisi = hire("rep_b", name="李四", role=Role.SALES_REP, unit="330100")

    log_in(page, "dm_picker")
    page.goto("/tasks/new/")
    box = page.locator("#id_owner_search")
    expect(box).to_be_visible()
    expect(box).to_have_attribute("placeholder", "输入姓名、工号或单位搜索")
    owner = page.locator("#id_owner")
    assert owner.locator("option").count() >= 3  # the manager and both reps

    box.fill("李四")
    labels = [text for text in owner.locator("option").all_inner_texts() if text.strip() not in ("", "请选择")]
    assert len(labels) == 1 and labels[0].startswith("李四")
    expect(owner).to_have_value(str(lisi.pk))

    box.fill("")
    assert owner.locator("option").count() >= 3
