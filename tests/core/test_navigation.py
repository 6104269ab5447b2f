"""The navigation bar and the home page's worklist: grouped menus, the active entry, and the counts of
what waits for the person — in a constant number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from approvals.choices import ApprovalKind
from core.nav import active_url
from tests.approvals.helpers import submit
from workflow.services import task_create


def test_active_entry_is_the_longest_matching_url():
    urls = ["/", "/plans/", "/plans/targets/", "/approvals/queue/"]
    assert active_url("/plans/targets/12/", urls) == "/plans/targets/"
    assert active_url("/plans/7/edit/", urls) == "/plans/"
    assert active_url("/", urls) == "/"
    assert active_url("/customers/", urls) is None


def test_menu_groups_pages_and_keeps_every_link(personas):
    response = personas["rm_east"].web().get("/")
    menu = response.context["nav_menu"]
    labels = [str(entry["label"]) for entry in menu]
    # A regional manager's bar: a handful of entries, the pages inside dropdowns.
    assert len(menu) <= 9, labels
    urls = [url for _label, url in response.context["nav_items"]]
    for url in ("/plans/", "/plans/targets/", "/budgets/", "/approvals/waiting/", "/tasks/", "/customers/ageing/"):
        assert url in urls
    # The center's queue is the center's.
    assert "/approvals/queue/" not in urls
    assert "/approvals/queue/" in [url for _label, url in personas["center"].web().get("/").context["nav_items"]]


def test_worklist_counts_what_waits(personas, units, django_assert_max_num_queries):
    # A district's marketing plan waits for the regional manager first; a task of his is overdue.
    request = submit(personas, units, by="dm_hangzhou", kind=ApprovalKind.PLAN_MARKETING, unit="330100")
    request.__class__.objects.filter(pk=request.pk).update(due_at=timezone.now() - timedelta(days=3))
    task_create(
        title="走访重点客户",
        owner=personas["rm_east"].staff,
        due_on=timezone.localdate() - timedelta(days=2),
        by=None,
    )
    client = personas["rm_east"].web()
    client.get("/")  # warm caches (content types, sessions)
    with django_assert_max_num_queries(40):
        response = client.get("/")
    work = response.context["worklist"]
    assert (work["waiting"], work["waiting_overdue"]) == (1, 1)
    assert (work["tasks_open"], work["tasks_overdue"]) == (1, 1)
    assert work["unread"] >= 1  # the submission and the task both notified him
    page = response.content.decode()
    assert "待我审批" in page and "今日待办" in page

    # The submitter sees the matter under review; nothing waits for his own decision.
    work = personas["dm_hangzhou"].web().get("/").context["worklist"]
    assert (work["submitted"], work["waiting"]) == (1, 0)


def test_the_bar_is_built_from_what_the_apps_registered():
    """Sections in their order, entries in theirs; core names no app (core/nav.py)."""
    from core import nav

    modules = [fn.__module__ for _section, _order, fn in nav.registered()]
    assert modules == [
        "home.nav",
        "performance.nav",
        "reports.nav",
        "appraisal.nav",
        "plans.nav",
        "budgets.nav",
        "approvals.nav",
        "customers.nav",
        "channels.nav",  # the channel archive
        "channels.nav",  # contracts
        "relations.nav",  # key customers (customer relations in the field, issue 18)
        "channels.nav",  # promotion events and materials
        "relations.nav",  # market intelligence
        "relations.nav",  # visits
        "relations.nav",  # complaints
        "relations.nav",  # suggestions
        "risk.nav",
        "workflow.nav",
        "notifications.nav",
        "regions.nav",
        "core.nav",  # login lockouts; the API docs and the admin are in the user menu (nav.developer_links)
        "team.nav",  # the team dashboard (issue 19)
        "team.nav",  # recruitment
        "team.nav",  # training
        "team.nav",  # capability assessment and promotions
    ]
    with pytest.raises(TypeError, match="sections"):
        nav.entries("Plans")


def test_a_worklist_counter_must_return_what_it_declared(monkeypatch):
    from core import worklist

    monkeypatch.setattr(worklist, "_COUNTERS", {})

    @worklist.counts("a", "b")
    def wrong(user):
        return {"a": 1}

    with pytest.raises(ValueError, match="declared"):
        worklist.worklist(None)
    assert worklist.empty() == {"a": 0, "b": 0}
    with pytest.raises(ValueError, match="counted twice"):
        worklist.counts("b")(lambda user: {"b": 0})
