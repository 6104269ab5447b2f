"""The rest of a channel's archive: its contacts, its relationship log (visits, meetings, training and support
given, calls — each with the next step agreed) and the agreements on file. Each write asks `channel.log` of the
channel; bad input is refused on its field with nothing written."""

from django.db import transaction
from django.utils.translation import gettext as _

from channels.choices import ActivityKind, AgreementKind
from channels.models import ChannelActivity, ChannelAgreement, ChannelContact
from channels.services.channels import actor_user, clean_contact, clean_on
from core.errors import InvalidInput
from core.files import clean_upload
from core.rights import ensure
from customers.services.inputs import clean_choice, clean_date, clean_text

SUMMARY_MAX = 1000
NEXT_STEP_MAX = 500
AGREEMENT_SUMMARY_MAX = 500


@transaction.atomic
def channel_contact_add(*, by, channel, **values):
    """Add a contact to the channel (name required; `is_primary` makes them the one to call first)."""
    ensure(by, "channel.log", channel)
    row = clean_contact(values)
    if row["is_primary"]:
        channel.contacts.filter(is_primary=True).update(is_primary=False)
    return ChannelContact.objects.create(channel=channel, **row)


@transaction.atomic
def channel_contact_update(*, by, contact, **values):
    """Change a contact's details; only the values given change."""
    ensure(by, "channel.log", contact.channel)
    current = {name: getattr(contact, name) for name in ("name", "title", "phone", "email", "is_primary")}
    row = clean_contact({**current, **values})
    if row["is_primary"] and not contact.is_primary:
        contact.channel.contacts.filter(is_primary=True).update(is_primary=False)
    for key, value in row.items():
        setattr(contact, key, value)
    contact.save()
    return contact


@transaction.atomic
def channel_activity_add(*, by, channel, kind, summary, on=None, next_step="", next_on=None):
    """Log a contact with the channel: what kind, on which day (not in the future), what was done, and the
    next step agreed with its day (on or after the contact)."""
    ensure(by, "channel.log", channel)
    kind = clean_choice(kind, ActivityKind, field="kind")
    on = clean_on(on)
    summary = clean_text(summary, field="summary", max_length=SUMMARY_MAX, required=True, label=_("The summary"))
    next_step = clean_text(next_step, field="next_step", max_length=NEXT_STEP_MAX)
    if next_on is not None:
        next_on = clean_date(next_on, field="next_on")
        if next_on < on:
            raise InvalidInput(_("The next step cannot come before the contact itself."), field="next_on")
        if not next_step:
            raise InvalidInput(_("Say what the next step is."), field="next_step")
    return ChannelActivity.objects.create(
        channel=channel, kind=kind, on=on, summary=summary, next_step=next_step, next_on=next_on, by=actor_user(by)
    )


@transaction.atomic
def channel_activity_update(*, by, activity, **values):
    """Correct a log entry; only the values given change (the same checks as when it was logged)."""
    ensure(by, "channel.log", activity.channel)
    unknown = set(values) - {"kind", "on", "summary", "next_step", "next_on"}
    if unknown:
        field = sorted(unknown)[0]
        raise InvalidInput(_("The field %(field)s cannot be changed.") % {"field": field}, field=field)
    kind = clean_choice(values.get("kind", activity.kind), ActivityKind, field="kind")
    on = clean_on(values.get("on", activity.on))
    summary = clean_text(
        values.get("summary", activity.summary), field="summary", max_length=SUMMARY_MAX, required=True, label=_("The summary")
    )
    next_step = clean_text(values.get("next_step", activity.next_step), field="next_step", max_length=NEXT_STEP_MAX)
    next_on = values.get("next_on", activity.next_on)
    if next_on is not None:
        next_on = clean_date(next_on, field="next_on")
        if next_on < on:
            raise InvalidInput(_("The next step cannot come before the contact itself."), field="next_on")
        if not next_step:
            raise InvalidInput(_("Say what the next step is."), field="next_step")
    activity.kind, activity.on, activity.summary, activity.next_step, activity.next_on = kind, on, summary, next_step, next_on
    activity.save()
    return activity


@transaction.atomic
def channel_agreement_add(*, by, channel, kind, signed_on, valid_to=None, summary="", file=None):
    """Put an agreement with the channel on file: signed on a day not in the future, valid to a day not
    before it (or open-ended), with its scanned copy if given (a document or picture, its kind sniffed)."""
    ensure(by, "channel.log", channel)
    file = clean_upload(file, field="file")
    kind = clean_choice(kind, AgreementKind, field="kind")
    signed_on = clean_on(signed_on, field="signed_on") if signed_on is not None else None
    if signed_on is None:
        raise InvalidInput(_("Give the day it was signed."), field="signed_on")
    if valid_to is not None:
        valid_to = clean_date(valid_to, field="valid_to")
        if valid_to < signed_on:
            raise InvalidInput(_("An agreement cannot end before it was signed."), field="valid_to")
    summary = clean_text(summary, field="summary", max_length=AGREEMENT_SUMMARY_MAX)
    agreement = ChannelAgreement.objects.create(
        channel=channel, kind=kind, signed_on=signed_on, valid_to=valid_to, summary=summary, by=actor_user(by)
    )
    if file is not None:
        agreement.file.save(file.name, file, save=True)
    return agreement
