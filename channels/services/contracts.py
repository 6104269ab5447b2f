"""Contracts (合同, issue 17): drafted with a customer or a channel by its salesperson or a manager above its office,
negotiated in `draft` with their meetings (key customers' negotiations are tracked so), reviewed, signed with the
signed copy attached, filed (备案) with the Development Center through the approval mechanism
(ApprovalKind.CONTRACT_FILING, routed to the center), and watched by the nightly job: the owner is reminded 30
and 7 days before the end — once per contract and threshold (ContractReminder's unique constraint) — and the
state moves to expiring, then expired.

Bad input is refused on its field (InvalidInput, 400) before anything is written; a move the state does not
allow is a Conflict (409); a missing right NotAllowed (403, core.rights)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.choices import ApprovalKind
from approvals.selectors import latest_request
from approvals.services import request_submit, request_withdraw
from channels.choices import (
    CONTRACT_EDITABLE_STATES,
    CONTRACT_IN_FORCE_STATES,
    CONTRACT_MOVES,
    CONTRACT_REMINDER_DAYS,
    ContractKind,
    ContractState,
)
from channels.models import Channel, Contract, ContractMeeting, ContractReminder
from core.errors import Conflict, InvalidInput
from core.files import DOCUMENTS, clean_upload
from core.money import parse_money
from core.rights import SYSTEM, ensure
from customers.models import Customer
from customers.services.inputs import clean_date, clean_text
from notifications.choices import NotificationKind
from notifications.services import notify
from regions.models import StaffProfile

TITLE_MAX = 200
NOTE_MAX = 4000
SUMMARY_MAX = 4000
LINE_MAX = 500
# The kinds of file a contract's signed copy may be (judged by content: core/files.py).
CONTRACT_FILE_KINDS = DOCUMENTS
FIELDS = ("kind", "title", "amount", "starts_on", "ends_on", "signed_on", "owner", "note", "file")


# --- input --------------------------------------------------------------------------------------------------------
def _party(customer, channel):
    if (customer is None) == (channel is None):
        raise InvalidInput(_("Name either a customer or a channel (exactly one)."), field="customer")
    if customer is not None and not isinstance(customer, Customer):
        raise InvalidInput(_("Unknown customer."), field="customer")
    if channel is not None and not isinstance(channel, Channel):
        raise InvalidInput(_("Unknown channel."), field="channel")
    return customer or channel


def _unit_of(party):
    return party.district if isinstance(party, Customer) else party.unit


def _date(value, field):
    if value in (None, ""):
        return None
    return clean_date(value, field=field)


def _owner(owner, unit):
    if owner is None:
        return None
    if not isinstance(owner, StaffProfile) or not owner.is_active:
        raise InvalidInput(_("Choose an active member of staff as the owner."), field="owner")
    # The owner works in the contract's office or above it (a manager may own a key contract).
    if not (unit.path.startswith(owner.unit.path) or owner.unit.path.startswith(unit.path)):
        raise InvalidInput(_("The owner must work in the party's office or above it."), field="owner")
    return owner


def _clean(values, *, unit):
    """The cleaned values among FIELDS present in `values` (absent ones untouched)."""
    cleaned = {}
    if "kind" in values:
        if values["kind"] not in ContractKind.values:
            raise InvalidInput(_("Choose a contract type."), field="kind")
        cleaned["kind"] = values["kind"]
    if "title" in values:
        cleaned["title"] = clean_text(values["title"], field="title", max_length=TITLE_MAX, required=True, label=_("The title"))
    if "amount" in values:
        amount = values["amount"]
        cleaned["amount"] = None if amount in (None, "") else parse_money(amount, field="amount", label=_("The amount"))
    for name in ("starts_on", "ends_on", "signed_on"):
        if name in values:
            cleaned[name] = _date(values[name], name)
    if "owner" in values:
        cleaned["owner"] = _owner(values["owner"], unit)
    if "note" in values:
        cleaned["note"] = clean_text(values["note"], field="note", max_length=NOTE_MAX)
    if "file" in values:
        cleaned["file"] = clean_upload(values["file"], field="file", kinds=CONTRACT_FILE_KINDS, label=_("The contract file"))
    return cleaned


def _check_dates(starts_on, ends_on):
    if starts_on and ends_on and ends_on < starts_on:
        raise InvalidInput(_("The contract cannot end before it starts."), field="ends_on")


def _save_file(contract, upload):
    if upload is not None:
        contract.file.save(upload.name, upload, save=False)
        contract.save(update_fields=["file", "updated_at"])


def _lock(contract):
    return Contract.objects.select_for_update(of=("self",)).select_related("unit").get(pk=contract.pk)


# --- writes -------------------------------------------------------------------------------------------------------
@transaction.atomic
def contract_create(*, by, kind, title, customer=None, channel=None, **values):
    """Draft a contract with `customer` or `channel` (exactly one). Its unit is the party's office; its owner the
    one given, else the party's salesperson, else the person drafting."""
    party = _party(customer, channel)
    ensure(by, "contract.create", party)
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"contract_create: unknown fields {sorted(unknown)}")
    unit = _unit_of(party)
    cleaned = _clean({"kind": kind, "title": title, **values}, unit=unit)
    _check_dates(cleaned.get("starts_on"), cleaned.get("ends_on"))
    upload = cleaned.pop("file", None)
    owner = cleaned.pop("owner", None) or party.salesperson or getattr(by, "staff_profile", None)
    contract = Contract.objects.create(
        customer=customer,
        channel=channel,
        unit=unit,
        owner=owner,
        created_by=by if getattr(by, "pk", None) else None,
        **cleaned,
    )
    _save_file(contract, upload)
    return contract


@transaction.atomic
def contract_update(*, by, contract, **values):
    """Change the details given (the party stays) of a contract not yet submitted for filing."""
    contract = _lock(contract)
    ensure(by, "contract.write", contract)
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"contract_update: unknown fields {sorted(unknown)}")
    if contract.state not in CONTRACT_EDITABLE_STATES:
        raise Conflict(_("A contract submitted for filing or filed is no longer changed."), field="state")
    cleaned = _clean(values, unit=contract.unit)
    _check_dates(cleaned.get("starts_on", contract.starts_on), cleaned.get("ends_on", contract.ends_on))
    if contract.state == ContractState.SIGNED and "ends_on" in cleaned and cleaned["ends_on"] is None:
        raise InvalidInput(_("A signed contract has an end date."), field="ends_on")
    upload = cleaned.pop("file", None)
    for name, value in cleaned.items():
        setattr(contract, name, value)
    contract.save()
    _save_file(contract, upload)
    return contract


@transaction.atomic
def contract_move(*, by, contract, to, today=None):
    """Move a contract by hand: under review, back to draft, signed (needs its end date; signed today unless a
    day is given), terminated, renewed. Filing is the approval's; expiring and expired the nightly job's."""
    contract = _lock(contract)
    ensure(by, "contract.write", contract)
    if to not in CONTRACT_MOVES.get(contract.state, set()):
        raise Conflict(
            _("A contract in state %(state)s cannot become %(to)s.")
            % {"state": ContractState(contract.state).label, "to": ContractState(to).label if to in ContractState.values else to},
            field="state",
        )
    if to == ContractState.SIGNED:
        if contract.ends_on is None:
            raise InvalidInput(_("Give the contract's end date before it is signed."), field="ends_on")
        contract.signed_on = contract.signed_on or today or timezone.localdate()
    contract.state = to
    contract.save(update_fields=["state", "signed_on", "updated_at"])
    return contract


@transaction.atomic
def contract_meeting_add(*, by, contract, on, summary, attendees="", next_step=""):
    """Record a meeting of the contract's negotiation (谈判记录)."""
    contract = _lock(contract)
    ensure(by, "contract.write", contract)
    if contract.state in (ContractState.TERMINATED, ContractState.EXPIRED, ContractState.RENEWED):
        raise Conflict(_("The contract is closed; no more meetings are recorded."), field="state")
    return ContractMeeting.objects.create(
        contract=contract,
        on=clean_date(on, field="on"),
        summary=clean_text(summary, field="summary", max_length=SUMMARY_MAX, required=True, label=_("The summary")),
        attendees=clean_text(attendees, field="attendees", max_length=LINE_MAX),
        next_step=clean_text(next_step, field="next_step", max_length=LINE_MAX),
        by=by if getattr(by, "pk", None) else None,
    )


def contract_snapshot(*, contract):
    """What the Development Center decides the filing on, frozen at submission."""
    return {
        "title": contract.title,
        "kind": contract.kind,
        "party": str(contract.party),
        "amount": None if contract.amount is None else f"{contract.amount:.2f}",
        "starts_on": contract.starts_on.isoformat() if contract.starts_on else None,
        "ends_on": contract.ends_on.isoformat() if contract.ends_on else None,
        "signed_on": contract.signed_on.isoformat() if contract.signed_on else None,
        "file": contract.file.name if contract.file else "",
    }


@transaction.atomic
def contract_submit(*, by, contract):
    """Submit a signed contract, its signed copy attached, for filing (备案) with the Development Center."""
    contract = _lock(contract)
    ensure(by, "contract.write", contract)
    if contract.state != ContractState.SIGNED:
        raise Conflict(_("Only a signed contract is submitted for filing."), field="state")
    if not contract.file:
        raise InvalidInput(_("Attach the signed contract before submitting it for filing."), field="file")
    request = request_submit(
        subject=contract,
        kind=ApprovalKind.CONTRACT_FILING,
        unit=contract.unit,
        title=_("Contract filing: %(title)s (%(party)s)") % {"title": contract.title, "party": contract.party},
        by=by,
        snapshot=contract_snapshot(contract=contract),
        amount=contract.amount,
    )
    contract.state = ContractState.FILING
    contract.submitted_at = request.submitted_at
    contract.save(update_fields=["state", "submitted_at", "updated_at"])
    return request


@transaction.atomic
def contract_withdraw(*, by, contract):
    """Withdraw a contract's filing request not decided yet (it is signed again)."""
    contract = _lock(contract)
    ensure(by, "contract.write", contract)
    if contract.state != ContractState.FILING:
        raise Conflict(_("Only a contract waiting for filing can be withdrawn."), field="state")
    request_withdraw(request=latest_request(contract), by=by)  # approvals sets the state (SIGNED)
    contract.refresh_from_db()
    return contract


def contract_on_approved(*, contract, today=None):
    """The approval hook, inside the decision's transaction: the filing day (approvals sets the state)."""
    contract.filed_on = today or timezone.localdate()
    contract.save(update_fields=["filed_on", "updated_at"])


# --- the nightly job -----------------------------------------------------------------------------------------------
def _remind(contract, days_left, thresholds):
    owner = contract.owner
    if owner is None:
        return
    notify(
        recipients=[owner],
        kind=NotificationKind.REMINDER,
        title=_("Contract %(title)s ends on %(day)s") % {"title": contract.title, "day": contract.ends_on.isoformat()},
        body=_("%(days)d days are left of the contract with %(party)s; renew or close it in time.")
        % {"days": days_left, "party": contract.party},
        url=contract.get_absolute_url(),
    )


def contracts_remind(*, today=None, by=SYSTEM):
    """Remind owners of contracts ending within 30 and 7 days, once per contract and threshold, and move contracts
    in force to expiring (within 30 days) or expired (past their end). Safe to run twice: a reminder row exists
    per contract and threshold (a unique constraint) and a row is taken under a lock; returns the counts."""
    ensure(by, "contract.remind")
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=max(CONTRACT_REMINDER_DAYS))
    counts = {"reminded": 0, "expiring": 0, "expired": 0}
    ids = list(
        Contract.objects.unscoped()
        .filter(state__in=CONTRACT_IN_FORCE_STATES, ends_on__isnull=False, ends_on__lte=horizon)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            contract = Contract.objects.unscoped().select_for_update(of=("self",)).select_related("owner__user").get(pk=pk)
            if contract.state not in CONTRACT_IN_FORCE_STATES or contract.ends_on is None:
                continue  # moved on meanwhile
            days_left = (contract.ends_on - today).days
            if days_left < 0:
                contract.state = ContractState.EXPIRED
                contract.save(update_fields=["state", "updated_at"])
                counts["expired"] += 1
                continue
            if contract.state != ContractState.EXPIRING:
                contract.state = ContractState.EXPIRING
                contract.save(update_fields=["state", "updated_at"])
                counts["expiring"] += 1
            sent = set(contract.reminders.values_list("days", flat=True))
            due = [days for days in CONTRACT_REMINDER_DAYS if days_left <= days and days not in sent]
            if due:
                ContractReminder.objects.bulk_create([ContractReminder(contract=contract, days=days) for days in due])
                _remind(contract, days_left, due)
                counts["reminded"] += 1
    return counts
