"""Demo contracts (合同, issue 17): contracts with the demo customers and channels of 杭州 and 广州 in every state of
their life — two drafts (one a key customer's negotiation with two meetings recorded), one under review, one
signed and not yet submitted, one waiting for its filing at the Development Center, one filed through the center's
approval (CONTRACT_FILING) and in force, two ending within 30 days and one within 7 (the reminder job has run once,
so their owners hold their reminders and the contracts are `expiring`), one expired, one terminated and one renewed
by its successor. Each signed contract carries its signed copy: a small generated PDF, cleaned like any upload
(core.files.clean_upload).

Everything goes through the services (drafted by the party's salesperson, else the nearest manager with a login)
and the approval mechanism, with dates relative to `today`. Only the filing day and time of contracts signed long
ago are moved back afterwards (the approval stamps `now`), as plans/demo.py backdates its requests — only the demo
does this. Idempotent: does nothing when any contract exists. After the customers and the channel archive.
"""

from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from approvals.demo import approve_through
from channels import services
from channels.choices import ChannelState, ContractState
from channels.models import Channel, Contract
from core.rights import SYSTEM
from customers.choices import CustomerStatus
from customers.models import Customer
from regions.demo import acting_login

DISTRICTS = ("330100", "440100")  # the logins' districts
NEEDED = 9  # customers the contracts below are made with


def demo_pdf(title):
    """A small valid one-page PDF saying `title` (ASCII), as an upload."""
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return SimpleUploadedFile("合同扫描件.pdf", bytes(out), content_type="application/pdf")


def _parties():
    """([customers], {district code: [channels]}): the customers of the logins' districts (杭州 first, then any
    others when they are too few), those of salespeople with a login first (the demo's rep_hangzhou then holds the
    reminders), a key customer first; the channels of the two districts that have signed or are negotiating."""
    rows = Customer.objects.unscoped().filter(status=CustomerStatus.ACTIVE).select_related("district", "salesperson__user")
    customers = list(rows.filter(district__code__in=DISTRICTS))
    if len(customers) < NEEDED:
        customers += list(rows.exclude(district__code__in=DISTRICTS).order_by("pk")[: NEEDED - len(customers)])
    customers.sort(
        key=lambda c: (
            c.district.code != DISTRICTS[0],
            c.district.code not in DISTRICTS,
            c.salesperson is None or c.salesperson.user_id is None,
            c.pk,
        )
    )
    if not any(c.is_key for c in customers):  # the negotiation below is a key customer's: take one from anywhere
        customers[:0] = list(rows.filter(is_key=True).order_by("district__code", "pk")[:1])
    key = next((c for c in customers if c.is_key), None)  # the first in the order above: 杭州's when it has one
    if key is not None:
        customers.remove(key)
        customers.insert(0, key)
    channels = {}
    for channel in (
        Channel.objects.unscoped()
        .filter(unit__code__in=DISTRICTS, state__in=[ChannelState.CONTRACTED, ChannelState.ACTIVE, ChannelState.NEGOTIATING])
        .select_related("unit", "salesperson__user")
        .order_by("pk")
    ):
        channels.setdefault(channel.unit.code, []).append(channel)
    for group in channels.values():
        group.sort(key=lambda c: (c.salesperson is None or c.salesperson.user_id is None, c.pk))
    return customers, channels


class _Loader:
    def __init__(self, today):
        self.today = today
        self.made = []

    def draft(self, party, *, kind, title, starts, days, amount=None, note="", file=False):
        by = acting_login(party, getattr(party, "district", None) or party.unit)
        party_arg = {"customer": party} if isinstance(party, Customer) else {"channel": party}
        values = {
            "kind": kind,
            "title": title,
            "amount": amount,
            "starts_on": starts,
            "ends_on": starts + timedelta(days=days) if days else None,
            "note": note,
            # Owned by whoever drafts it — the salesperson, or the manager standing in for one without a login
            # (so the reminders reach someone who can read them).
            "owner": by.staff_profile,
        }
        if file:
            values["file"] = demo_pdf(f"Contract {title}")
        contract = services.contract_create(by=by, **party_arg, **values)
        self.made.append(contract)
        return contract, by

    def signed(self, party, *, signed, **values):
        contract, by = self.draft(party, file=True, **values)
        services.contract_update(by=by, contract=contract, signed_on=signed)
        services.contract_move(by=by, contract=contract, to=ContractState.UNDER_REVIEW)
        services.contract_move(by=by, contract=contract, to=ContractState.SIGNED, today=signed)
        return contract, by

    def filed(self, party, *, signed, **values):
        contract, by = self.signed(party, signed=signed, **values)
        approve_through(services.contract_submit(by=by, contract=contract), comment="同意，准予备案")
        filed_on = min(signed + timedelta(days=3), self.today)
        if filed_on < self.today:  # filed soon after it was signed, not today (see the module docstring)
            at = timezone.make_aware(datetime.combine(filed_on, time(10, 0)))
            Contract.objects.filter(pk=contract.pk).update(filed_on=filed_on, approved_at=at, submitted_at=at)
        contract.refresh_from_db()
        return contract, by


def _load(today, customers, channels):
    load = _Loader(today)
    hz_customers = customers
    gz_customers = [c for c in customers if c.district.code == DISTRICTS[1]][-1:]
    hz_channels, gz_channels = channels.get("330100", []), channels.get("440100", [])
    day = timedelta(days=1)

    # Drafts: a key customer's negotiation with two meetings; a channel's cooperation agreement.
    key = hz_customers[0]
    contract, by = load.draft(
        key,
        kind="sales",
        title=f"{today.year + 1}年度理财产品销售合同（{key.name}）",
        starts=today + timedelta(days=30),
        days=365,
        amount="3000000.00",
        note="重点客户年度合同，价格与结算周期谈判中。",
    )
    services.contract_meeting_add(
        by=by,
        contract=contract,
        on=today - timedelta(days=21),
        summary="首轮谈判：客户希望费率下调并延长结算周期至60天；我方介绍年度产品线与服务承诺。",
        attendees="客户财务总监、采购经理；我方地办经理、业务员",
        next_step="一周内提交报价方案",
    )
    services.contract_meeting_add(
        by=by,
        contract=contract,
        on=today - timedelta(days=6),
        summary="第二轮谈判：双方就费率达成初步一致，结算周期定为45天，待客户法务审阅合同文本。",
        attendees="客户财务总监、法务；我方地办经理、业务员",
        next_step="客户法务反馈后提交内部审核",
    )
    if gz_channels:
        load.draft(
            gz_channels[0],
            kind="cooperation",
            title=f"{gz_channels[0].name}代销合作协议",
            starts=today + timedelta(days=15),
            days=730,
            note="合作条款草拟中。",
        )

    # Under review: a channel's framework agreement.
    if hz_channels:
        contract, by = load.draft(
            hz_channels[0],
            kind="framework",
            title=f"{hz_channels[0].name}渠道合作框架协议",
            starts=today + timedelta(days=7),
            days=1095,
            file=True,
        )
        services.contract_move(by=by, contract=contract, to=ContractState.UNDER_REVIEW)

    # Signed, not submitted yet; and one waiting for its filing at the center.
    load.signed(
        hz_customers[1],
        kind="sales",
        title="理财产品销售合同（季度）",
        starts=today,
        days=90,
        amount="450000.00",
        signed=today - 2 * day,
    )
    contract, by = load.signed(
        gz_customers[0] if gz_customers else hz_customers[8],
        kind="sales",
        title="年度理财产品销售合同",
        starts=today - 5 * day,
        days=365,
        amount="1200000.00",
        signed=today - 5 * day,
    )
    services.contract_submit(by=by, contract=contract)

    # Filed through the center's approval, in force for long.
    load.filed(
        hz_customers[2], kind="framework", title="年度合作框架协议", starts=today - 60 * day, days=365, signed=today - 62 * day
    )
    # Two ending within 30 days, one within 7 (the reminder job below tells their owners).
    for customer_or_channel, kind, title, ends_in in (
        (hz_customers[3], "sales", "理财产品销售合同（年度）", 25),
        (gz_channels[1] if len(gz_channels) > 1 else hz_channels[0], "cooperation", "代销合作协议", 18),
        (hz_customers[4], "sales", "理财产品销售合同（半年）", 5),
    ):
        starts = today + timedelta(days=ends_in) - timedelta(days=180 if ends_in < 10 else 365)
        load.filed(
            customer_or_channel,
            kind=kind,
            title=title,
            starts=starts,
            days=(today - starts).days + ends_in,
            signed=starts - 3 * day,
        )
    # Expired ten days ago (the job moves it).
    load.filed(
        hz_customers[5],
        kind="sales",
        title="理财产品销售合同（上年度）",
        starts=today - 375 * day,
        days=365,
        signed=today - 378 * day,
    )
    # Terminated early by agreement.
    contract, by = load.filed(
        hz_channels[1],
        kind="cooperation",
        title="代销合作协议（已终止）",
        starts=today - 200 * day,
        days=730,
        signed=today - 203 * day,
    )
    services.contract_move(by=by, contract=contract, to=ContractState.TERMINATED)
    # Renewed: last year's agreement ended, its successor filed and in force.
    channel = gz_channels[2] if len(gz_channels) > 2 else hz_customers[7]
    old, by = load.filed(
        channel, kind="cooperation", title="代销合作协议（首期）", starts=today - 400 * day, days=380, signed=today - 402 * day
    )
    load.filed(
        channel,
        kind="cooperation",
        title="代销合作协议（续签）",
        starts=old.ends_on + day,
        days=730,
        signed=old.ends_on - 10 * day,
        note="首期协议到期续签，条款不变。",
    )
    services.contract_move(by=by, contract=old, to=ContractState.RENEWED)
    return load.made


@transaction.atomic
def load_demo_contracts(*, today=None):
    """Load the demo contracts and run the reminder job once as of `today`; returns counts. Idempotent."""
    counts = {"contracts": 0, "meetings": 0, "reminded": 0, "expiring": 0, "expired": 0}
    if Contract.objects.exists():
        return counts
    today = min(today or timezone.localdate(), timezone.localdate())
    customers, channels = _parties()
    if len(customers) < NEEDED or len(channels.get(DISTRICTS[0], [])) < 2:
        return counts
    made = _load(today, customers, channels)
    reminded = services.contracts_remind(today=today, by=SYSTEM)
    counts.update(contracts=len(made), meetings=sum(contract.meetings.count() for contract in made), **reminded)
    return counts
