"""The inbox: one's own messages only, unread highlighted and counted, opened → read → its link."""

import pytest
from django.urls import reverse

from notifications.choices import NotificationKind
from notifications.models import Notification
from notifications.services import notify


@pytest.fixture
def messages_(personas):
    rep, other = personas["rep_hangzhou"], personas["dm_hangzhou"]
    notify(recipients=[rep.staff], kind=NotificationKind.OTHER, title="一", url="/approvals/1/", email=False)
    notify(recipients=[rep.user], kind=NotificationKind.DECIDED, title="二", url="https://evil.example/x", email=False)
    notify(recipients=[other.user], kind=NotificationKind.OTHER, title="别人的", url="/", email=False)
    return Notification.objects.filter(recipient=rep.user).order_by("id")


def test_inbox_lists_own_messages_newest_first_with_the_unread_count(personas, messages_):
    response = personas["rep_hangzhou"].web().get(reverse("notifications:inbox"))
    assert [n.title for n in response.context["object_list"]] == ["二", "一"]
    assert response.context["unread_count"] == 2
    assert "list-group-item-primary" in response.content.decode()
    labels = [label for label, _url in response.context["nav_items"] if label in ("消息", "Messages")]
    assert len(labels) == 1 and labels[0].count == 2
    assert 'app-nav-count text-bg-light" title="2 条未读">2<' in response.content.decode()


def test_open_marks_read_and_redirects_to_a_local_path_only(personas, messages_):
    client = personas["rep_hangzhou"].web()
    first, second = list(messages_)
    response = client.get(reverse("notifications:open", kwargs={"pk": first.pk}))
    assert response.status_code == 302 and response["Location"] == "/approvals/1/"
    first.refresh_from_db()
    assert first.read_at is not None
    response = client.get(reverse("notifications:open", kwargs={"pk": second.pk}))
    assert response["Location"] == reverse("notifications:inbox")
    response = client.get(reverse("notifications:inbox"), {"unread": "1"})
    assert list(response.context["object_list"]) == []


def test_others_messages_are_404(personas, messages_):
    theirs = Notification.objects.get(title="别人的")
    assert personas["rep_hangzhou"].web().get(reverse("notifications:open", kwargs={"pk": theirs.pk})).status_code == 404
    assert personas["director"].web().get(reverse("notifications:open", kwargs={"pk": theirs.pk})).status_code == 404
    assert personas["director"].api().get(reverse("notification-detail", kwargs={"pk": theirs.pk})).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_on_the_page(personas, messages_):
    client = personas["rep_hangzhou"].web()
    assert client.post(reverse("notifications:mark_all_read")).status_code == 302
    assert not Notification.objects.filter(recipient=personas["rep_hangzhou"].user, read_at__isnull=True).exists()
    assert Notification.objects.get(title="别人的").read_at is None


def test_api_lists_own_and_marks_read(personas, messages_):
    client = personas["rep_hangzhou"].api()
    body = client.get(reverse("notification-list")).json()
    assert [row["title"] for row in body["results"]] == ["二", "一"]
    assert [row["title"] for row in client.get(reverse("notification-list"), {"kind": "decided"}).json()["results"]] == ["二"]
    first = messages_.first()
    theirs = Notification.objects.get(title="别人的")
    response = client.post(reverse("notification-mark-read"), {"ids": [first.pk, theirs.pk]}, format="json")
    assert response.json() == {"marked": 1}
    assert [row["title"] for row in client.get(reverse("notification-list"), {"unread": "true"}).json()["results"]] == ["二"]
    assert client.post(reverse("notification-mark-read"), {}, format="json").status_code == 400
    assert client.post(reverse("notification-mark-read"), {"all": True}, format="json").json() == {"marked": 1}
    assert Notification.objects.get(title="别人的").read_at is None


def test_branch_keys_have_no_inbox(personas, messages_):
    # A person's endpoint: a key is refused (403), as on approvals and appraisal (issue 12, item 17).
    response = personas["key_hangzhou"].api().get(reverse("notification-list"))
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_inbox_query_count_is_constant(personas, django_assert_max_num_queries):
    rep = personas["rep_hangzhou"]
    client = rep.web()
    notify(recipients=[rep.user], kind=NotificationKind.OTHER, title="x", email=False)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("notifications:inbox"))
    for n in range(10):
        notify(recipients=[rep.user], kind=NotificationKind.OTHER, title=f"x{n}", email=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("notifications:inbox"))


def test_huge_ids_are_404_not_500(personas):
    client = personas["rep_hangzhou"].web()
    assert client.get(reverse("notifications:open", kwargs={"pk": 2**70})).status_code == 404
    assert personas["rep_hangzhou"].api().get(reverse("notification-detail", kwargs={"pk": 2**70})).status_code == 404
    assert client.post(reverse("approvals:delegations"), {"revoke": str(2**70)}).status_code == 404
    assert client.get(reverse("approvals:detail", kwargs={"pk": 2**70})).status_code == 404
    assert client.post(reverse("approvals:detail", kwargs={"pk": 2**70}), {"move": "approve"}).status_code == 404


def test_api_list_query_count_is_constant(personas, django_assert_max_num_queries):
    rep = personas["rep_hangzhou"]
    client = rep.api()
    notify(recipients=[rep.user], kind=NotificationKind.OTHER, title="x", email=False)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("notification-list"))
    for n in range(10):
        notify(recipients=[rep.user], kind=NotificationKind.OTHER, title=f"x{n}", email=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(reverse("notification-list")).json()["results"]) == 11
