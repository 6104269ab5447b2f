"""Channels' archives: opening one (with its contacts and its first state), changing it, and moving its state.

Every move of a channel's state is one ChannelTransition (who, when, why), the first on opening (from nothing to
the state it opens in): the new-channels figure is counted from that history, so a state never changes any
other way. Lock order: the channel row (select_for_update) before its transitions are read.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channels.choices import TRANSITIONS, ChannelKind, ChannelState, ChannelTier
from channels.models import Channel, ChannelContact, ChannelTransition
from core.errors import InvalidInput
from core.rights import ensure
from customers.services.inputs import EXTERNAL_ID_TAKEN, clean_choice, clean_date, clean_text
from customers.validators import validate_credit_code
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile

REASON_MAX = 500
# Unique company-wide, so the channel holding one may lie outside the caller's scope: say only that it is taken.
CREDIT_CODE_TAKEN = gettext_lazy("This unified social credit code is already on another channel's archive.")
CONTACT_FIELDS = ("name", "title", "phone", "email", "is_primary")
TEXT_FIELDS = {"address": 200, "note": 2000}


def clean_credit_code(value, *, exclude_pk=None):
    """A unified social credit code (GB 32100: 18 characters with its check character), or None; unique."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise InvalidInput(_("Enter a text."), field="credit_code")
    try:
        code = validate_credit_code(value)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], field="credit_code") from None
    if Channel.objects.filter(credit_code=code).exclude(pk=exclude_pk).exists():
        raise InvalidInput(CREDIT_CODE_TAKEN, field="credit_code")
    return code


def _external_id(value, *, exclude_pk=None):
    if value in (None, ""):
        return None
    value = clean_text(value, field="external_id", max_length=64)
    if Channel.objects.filter(external_id=value).exclude(pk=exclude_pk).exists():
        raise InvalidInput(EXTERNAL_ID_TAKEN, field="external_id")
    return value


def _unit(unit):
    if not isinstance(unit, OrgUnit) or unit.kind != UnitKind.DISTRICT:
        raise InvalidInput(_("Choose a district office."), field="unit")
    if not unit.is_active:
        raise InvalidInput(_("The district office %(name)s is closed.") % {"name": unit.name}, field="unit")
    return unit


def _salesperson(salesperson, unit):
    if salesperson is None:
        return None
    if not isinstance(salesperson, StaffProfile):
        raise InvalidInput(_("Choose a salesperson."), field="salesperson")
    if not salesperson.is_active:
        raise InvalidInput(_("%(name)s is no longer in service.") % {"name": salesperson.name}, field="salesperson")
    if salesperson.unit_id != unit.pk:
        raise InvalidInput(
            _("%(name)s does not work in the district office %(district)s.") % {"name": salesperson.name, "district": unit.name},
            field="salesperson",
        )
    return salesperson


def clean_contact(item, *, field=None):
    """One contact's values from a dict (name required; an e-mail must look like one). Errors name `field`
    (`contacts` for a list of them) or, without one, the contact's own field."""
    if not isinstance(item, dict):
        raise InvalidInput(_("Each contact must be an object with a name."), field=field or "contacts")
    unknown = set(item) - set(CONTACT_FIELDS)
    if unknown:
        raise InvalidInput(
            _("Unknown contact fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}, field=field or sorted(unknown)[0]
        )
    email = clean_text(item.get("email"), field=field or "email", max_length=254)
    if email and "@" not in email:
        raise InvalidInput(_("%(email)s is not an e-mail address.") % {"email": email}, field=field or "email")
    return {
        "name": clean_text(item.get("name"), field=field or "name", max_length=50, required=True, label=_("The contact's name")),
        "title": clean_text(item.get("title"), field=field or "title", max_length=50),
        "phone": clean_text(item.get("phone"), field=field or "phone", max_length=20),
        "email": email,
        "is_primary": bool(item.get("is_primary", False)),
    }


def _contacts(contacts):
    if contacts is None:
        return []
    if isinstance(contacts, (str, bytes, dict)):
        raise InvalidInput(_("Contacts must be a list."), field="contacts")
    return [clean_contact(item, field="contacts") for item in contacts]


def clean_on(value, *, field="on", today=None):
    """The day of a move or an entry: a date, not in the future."""
    if value is None:
        return today or timezone.localdate()
    value = clean_date(value, field=field)
    if value > (today or timezone.localdate()):
        raise InvalidInput(_("The day cannot be in the future."), field=field)
    return value


@transaction.atomic
def channel_create(
    *,
    by,
    name,
    unit,
    kind,
    credit_code=None,
    external_id=None,
    salesperson=None,
    tier=ChannelTier.REGULAR,
    state=ChannelState.PROSPECT,
    on=None,
    address="",
    note="",
    contacts=(),
):
    """Open a channel's archive in a district office (`channel.create`), in `state` (a prospect, unless a branch
    system sends one it already works with) since `on` (today by default), with its contacts. The first
    transition records the opening: from nothing to `state`."""
    name = clean_text(name, field="name", max_length=200, required=True, label=_("The channel's name"))
    unit = _unit(unit)
    state = clean_choice(state, ChannelState, field="state")
    on = clean_on(on)
    channel = Channel(
        name=name,
        unit=unit,
        salesperson=_salesperson(salesperson, unit),
        kind=clean_choice(kind, ChannelKind, field="kind"),
        tier=clean_choice(tier, ChannelTier, field="tier"),
        credit_code=clean_credit_code(credit_code),
        external_id=_external_id(external_id),
        state=state,
        state_since=on,
        **{
            key: clean_text(value, field=key, max_length=TEXT_FIELDS[key])
            for key, value in {"address": address, "note": note}.items()
        },
    )
    contact_rows = _contacts(contacts)
    ensure(by, "channel.create", channel)
    channel.save()
    ChannelContact.objects.bulk_create([ChannelContact(channel=channel, **row) for row in contact_rows])
    ChannelTransition.objects.create(
        channel=channel, from_state="", to_state=state, on=on, by=actor_user(by), reason=_("Opened in the archive.")
    )
    return channel


def actor_user(by):
    """The user to record as `by` (None for the system or a branch system's key)."""
    return by if isinstance(by, get_user_model()) else None


def lock_channel(channel):
    return Channel.objects.select_for_update().select_related("unit").get(pk=channel.pk)


UPDATABLE = {"name", "unit", "kind", "credit_code", "external_id", "salesperson", "tier", "address", "note", "contacts"}


@transaction.atomic
def channel_update(*, by, channel, **fields):
    """Change a channel's archive; only the fields given change. Its state moves only through
    `channel_transition`. `contacts`, if given, replaces the list. `channel.update` is asked of the channel as
    it is and, when it moves to another unit or salesperson, as it will be. Returns the channel."""
    ensure(by, "channel.update", channel)
    if "state" in fields:
        raise InvalidInput(_("The state moves only through a state change, with its reason."), field="state")
    unknown = set(fields) - UPDATABLE
    if unknown:
        field = sorted(unknown)[0]
        raise InvalidInput(_("The field %(field)s cannot be changed.") % {"field": field}, field=field)
    channel = lock_channel(channel)
    changes = {}
    if "name" in fields:
        changes["name"] = clean_text(fields["name"], field="name", max_length=200, required=True, label=_("The channel's name"))
    unit = channel.unit
    if "unit" in fields and fields["unit"] != channel.unit:
        unit = changes["unit"] = _unit(fields["unit"])
    if "salesperson" in fields:
        changes["salesperson"] = _salesperson(fields["salesperson"], unit)
    elif "unit" in changes and channel.salesperson is not None:
        _salesperson(channel.salesperson, unit)  # a move keeps the salesperson only if they work there too
    if "kind" in fields:
        changes["kind"] = clean_choice(fields["kind"], ChannelKind, field="kind")
    if "tier" in fields:
        changes["tier"] = clean_choice(fields["tier"], ChannelTier, field="tier")
    if "credit_code" in fields:
        changes["credit_code"] = clean_credit_code(fields["credit_code"], exclude_pk=channel.pk)
    if "external_id" in fields:
        changes["external_id"] = _external_id(fields["external_id"], exclude_pk=channel.pk)
    for key, max_length in TEXT_FIELDS.items():
        if key in fields:
            changes[key] = clean_text(fields[key], field=key, max_length=max_length)
    contact_rows = _contacts(fields["contacts"]) if "contacts" in fields else None

    changed = [key for key, value in changes.items() if getattr(channel, key) != value]
    for key in changed:
        setattr(channel, key, changes[key])
    if {"unit", "salesperson"} & set(changed):
        ensure(by, "channel.update", channel)  # where it moves to must be the person's too
    if changed:
        channel.save()
    if contact_rows is not None:
        current = list(channel.contacts.order_by("id").values(*CONTACT_FIELDS))
        if current != contact_rows:
            channel.contacts.all().delete()
            ChannelContact.objects.bulk_create([ChannelContact(channel=channel, **row) for row in contact_rows])
    return channel


@transaction.atomic
def channel_transition(*, by, channel, to_state, on=None, reason=""):
    """Move the channel to `to_state` on `on` (today by default), for `reason`: only a move of
    channels.choices.TRANSITIONS, on a day not in the future and not before its last move; refused on the
    field at fault with nothing written. Returns the ChannelTransition."""
    ensure(by, "channel.transition", channel)
    channel = lock_channel(channel)
    to_state = clean_choice(to_state, ChannelState, field="state")
    current = ChannelState(channel.state)
    if to_state not in TRANSITIONS[current]:
        allowed = sorted(str(ChannelState(state).label) for state in TRANSITIONS[current])
        raise InvalidInput(
            _("A channel %(from)s cannot become %(to)s; it can become: %(allowed)s.")
            % {
                "from": current.label,
                "to": ChannelState(to_state).label,
                "allowed": "、".join(allowed) if allowed else _("nothing (it is terminated)"),
            },
            field="state",
        )
    on = clean_on(on)
    last = channel.transitions.order_by("-on", "-id").values_list("on", flat=True).first()
    if last is not None and on < last:
        raise InvalidInput(
            _("The day cannot be before the channel's last state change (%(day)s).") % {"day": last.isoformat()},
            field="on",
        )
    reason = clean_text(reason, field="reason", max_length=REASON_MAX)
    move = ChannelTransition.objects.create(
        channel=channel, from_state=current, to_state=to_state, on=on, by=actor_user(by), reason=reason
    )
    Channel.objects.filter(pk=channel.pk).update(state=to_state, state_since=on, updated_at=timezone.now())
    return move
