"""Scoping-contract entries of this app (joined into tests.scoping_registry.REGISTRY).

No read entries: a message belongs to its recipient, not to an org unit, so no one reads another person's
inbox whatever their scope (the director included). tests/notifications/ checks that ownership (404 for
another person's message on the pages and the API).

The writes are walked here, with that rule instead of the tree's: marking a message read (opening it on the
page, or `mark-read` on the API) is its recipient's alone. On the page another person's message is a 404; the
API's `mark-read` takes a list of ids and marks those of the caller's own inbox, so another person's id is
left alone (`marked: 0`). A branch key has no inbox (403).
"""

from tests.scoping_registry import Write

ENTRIES = []

KEYS = frozenset({"key_hangzhou", "key_guangdong"})


def _recipient(district, owner):
    from regions.models import StaffProfile

    if owner is not None:
        return owner.staff
    return StaffProfile.objects.get(unit=district, role="district_manager", user__isnull=False)


def _message(district, owner):
    """An unread message to the owner rep (rep_hangzhou_2 in 杭州, rep_hangzhou in the ownership variant) or, in
    广州, to the district manager."""
    from notifications.services import notify

    return notify(recipients=[_recipient(district, owner)], kind="other", title="登记消息", email=False)[0]


def _recipient_name(code, owner_name):
    return owner_name or "dm_guangzhou"


def _mark_read_expect(persona, inside, code, owner_name):
    if persona in KEYS:
        return 403, False
    return 200, persona == _recipient_name(code, owner_name)


def _mark_read_check(response, wrote):
    if response.status_code == 200:
        assert response.json()["marked"] == (1 if wrote else 0), response.json()


def _open_expect(persona, inside, code, owner_name):
    return (302, True) if persona == _recipient_name(code, owner_name) else (404, False)


WRITES = [
    Write(
        name="notification mark read",
        url="notification-mark-read",
        make=_message,
        detail=False,
        body=lambda message, world, persona: {"ids": [message.pk]},
        expect=_mark_read_expect,
        check=_mark_read_check,
    ),
    Write(name="notification open page", url="notifications:open", make=_message, expect=_open_expect),
]
