"""Sending messages: one call writes the inbox rows and sends the e-mails after the transaction commits."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone, translation

from notifications.models import Notification


def _unique_users(recipients):
    seen, users = set(), []
    for user in recipients:
        if user is None or user.pk is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        users.append(user)
    return users


def notify(*, recipients, kind, title, body="", url="", email=True):
    """Send `title`/`body` to every user in `recipients` (StaffProfile or User; None and repeats ignored).

    Call inside the transaction that made the change: the inbox rows commit with it, and e-mail goes
    out only after the commit, so a rolled-back change never sends a message. Texts are rendered in
    the default language (zh-hans) — lazy strings are resolved here.
    """
    users = _unique_users(getattr(r, "user", r) for r in recipients)
    if not users:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        title, body = str(title)[:200], str(body)
    now = timezone.now()
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user, kind=kind, title=title, body=body, url=url, created_at=now, emailed=bool(email and user.email)
            )
            for user in users
        ]
    )
    if email:
        messages = [(title, f"{body}\n\n{url}".strip(), None, [user.email]) for user in users if user.email]
        if messages:
            transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return rows


def notification_mark_read(*, user, ids=None):
    """Mark the user's messages read (all unread ones when `ids` is None); returns how many changed."""
    queryset = Notification.objects.for_user(user).unread()
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.update(read_at=timezone.now())
