"""Demo channel archive: a few hundred channels in the staffed districts (杭州 and 广州, the logins' districts,
with a score each), opened over the last 24 months and moved through their lives to every state, with contacts,
agreements for the signed ones and a relationship log — so the new-channels figure per month is real.

Written in bulk, not through the services (hundreds of channels and their histories in a handful of queries),
but by the services' rules: every channel's history starts with its opening (from nothing to prospect), each
move is one of channels.choices.TRANSITIONS on a day not before the last and not after `today`, and the
channel's state and `state_since` are those of its last move. Idempotent: a second load adds nothing.
"""

import random
from datetime import timedelta

from django.utils import timezone

from channels.choices import TRANSITIONS, ActivityKind, AgreementKind, ChannelKind, ChannelState, ChannelTier
from channels.models import Channel, ChannelActivity, ChannelAgreement, ChannelContact, ChannelTransition
from core.roles import Role
from customers.validators import CREDIT_CODE_CHARSET, credit_code_check_character
from regions.models import OrgUnit, StaffProfile

PREFIX = "DEMO-CH-"
FOCUS = {"330100": 24, "440100": 24}  # the logins' districts: enough channels to fill their pages
MONTHS = 24

NAMES = {
    ChannelKind.BANK: ["工商银行", "建设银行", "招商银行", "兴业银行", "浦发银行", "农商银行", "中信银行", "宁波银行"],
    ChannelKind.SECURITIES: ["华泰证券", "中信证券", "国泰君安", "广发证券", "招商证券", "东方财富证券"],
    ChannelKind.INSURANCE: ["平安保险代理", "泛华保险代理", "明亚保险经纪", "大童保险服务"],
    ChannelKind.PLATFORM: ["蚂蚁财富", "天天基金", "腾安基金", "陆金所", "好买财富"],
    ChannelKind.AGENT: ["理财工作室", "财富顾问工作室", "家族办公室"],
    ChannelKind.OTHER: ["商会", "行业协会", "企业服务中心"],
}
SUFFIX = {
    ChannelKind.BANK: "支行",
    ChannelKind.SECURITIES: "营业部",
    ChannelKind.INSURANCE: "分公司",
    ChannelKind.PLATFORM: "合作站",
    ChannelKind.AGENT: "",
    ChannelKind.OTHER: "",
}
KIND_WEIGHTS = [
    (ChannelKind.BANK, 35),
    (ChannelKind.SECURITIES, 20),
    (ChannelKind.INSURANCE, 20),
    (ChannelKind.PLATFORM, 10),
    (ChannelKind.AGENT, 10),
    (ChannelKind.OTHER, 5),
]
TIER_WEIGHTS = [(ChannelTier.STRATEGIC, 10), (ChannelTier.KEY, 30), (ChannelTier.REGULAR, 60)]
# Where a channel goes next from each state (None: it stays), by weight.
NEXT = {
    ChannelState.PROSPECT: [(ChannelState.NEGOTIATING, 70), (ChannelState.TERMINATED, 5), (None, 25)],
    ChannelState.NEGOTIATING: [
        (ChannelState.CONTRACTED, 65),
        (ChannelState.PROSPECT, 8),
        (ChannelState.TERMINATED, 10),
        (None, 17),
    ],
    ChannelState.CONTRACTED: [(ChannelState.ACTIVE, 80), (ChannelState.TERMINATED, 4), (None, 16)],
    ChannelState.ACTIVE: [(ChannelState.DORMANT, 20), (ChannelState.TERMINATED, 4), (None, 76)],
    ChannelState.DORMANT: [(ChannelState.ACTIVE, 40), (ChannelState.TERMINATED, 30), (None, 30)],
    ChannelState.TERMINATED: [(None, 1)],
}
REASONS = {
    ChannelState.NEGOTIATING: ["首次拜访后有合作意向", "对方总行同意洽谈", "提交合作方案"],
    ChannelState.PROSPECT: ["对方暂缓，重新跟进"],
    ChannelState.CONTRACTED: ["签订合作协议", "代销协议签署完成"],
    ChannelState.ACTIVE: ["首笔业务落地", "产品上线开始销售"],
    ChannelState.DORMANT: ["连续三个月无业务", "对方人员调整，业务停滞"],
    ChannelState.TERMINATED: ["合作终止", "对方战略调整，不再合作", "资质不符，终止洽谈"],
}
ACTIVITY_TEXT = {
    ActivityKind.VISIT: ("上门拜访，介绍公司产品线", "约定下次带产品经理拜访"),
    ActivityKind.MEETING: ("双方业务会议，讨论合作方式与分成", "整理会议纪要发对方确认"),
    ActivityKind.TRAINING: ("为渠道理财经理做产品培训", "两周后回访培训效果"),
    ActivityKind.SUPPORT: ("提供营销物料与客户活动支持", "跟进活动带来的客户线索"),
    ActivityKind.CALL: ("电话沟通近期销售情况", "下月再电话跟进"),
}
CONTACT_TITLES = ["行长", "副行长", "营业部总经理", "渠道经理", "理财经理", "负责人"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def _weighted(rng, pairs):
    return rng.choices([value for value, _w in pairs], weights=[w for _v, w in pairs])[0]


def _credit_code(rng, unit_code, used):
    while True:
        body = "91" + unit_code[:6] + "".join(rng.choice(CREDIT_CODE_CHARSET) for _ in range(9))
        code = body + credit_code_check_character(body)
        if code not in used:
            used.add(code)
            return code


def _life(rng, opened, today):
    """The moves of one channel's life from its opening: [(from, to, on)], the first ('', prospect, opened)."""
    moves = [("", ChannelState.PROSPECT, opened)]
    state, on = ChannelState.PROSPECT, opened
    for _ in range(8):
        nxt = _weighted(rng, NEXT[state])
        if nxt is None:
            break
        if nxt not in TRANSITIONS[state]:  # the table above must follow the rule of the services
            raise ValueError(f"demo move {state} → {nxt} is not allowed")
        on = on + timedelta(days=rng.randint(7, 75))
        if on > today:
            break
        moves.append((state, nxt, on))
        state = nxt
    return moves


def _districts(channels):
    """[(district, [sales reps])] of the staffed districts, with how many channels each gets."""
    reps = {}
    for staff in StaffProfile.objects.filter(role=Role.SALES_REP, is_active=True, unit__kind="district").select_related("user"):
        reps.setdefault(staff.unit_id, []).append(staff)
    units = list(OrgUnit.objects.filter(pk__in=list(reps), is_active=True).order_by("code"))
    if not units:
        return []
    share = {unit.pk: FOCUS.get(unit.code, 0) for unit in units}
    rest = [unit for unit in units if unit.code not in FOCUS] or units
    for i in range(max(0, channels - sum(share.values()))):
        share[rest[i % len(rest)].pk] += 1
    return [(unit, reps[unit.pk], share[unit.pk]) for unit in units if share[unit.pk]]


def load_demo_channels(*, today=None, channels=300, seed=17):
    """Load the demo channel archive as of `today` (default: today); returns counts. Idempotent."""
    today = today or timezone.localdate()
    counts = {"channels": 0, "transitions": 0, "contacts": 0, "agreements": 0, "activities": 0}
    if Channel.objects.filter(external_id__startswith=PREFIX).exists():
        return counts
    rng = random.Random(seed)
    used_codes = set(Channel.objects.exclude(credit_code=None).values_list("credit_code", flat=True))
    start = today - timedelta(days=MONTHS * 30)
    n = 0
    rows, lives = [], []
    for unit, reps, share in _districts(channels):
        place = unit.name.removesuffix("市").removesuffix("地区")
        for _ in range(share):
            n += 1
            kind = _weighted(rng, KIND_WEIGHTS)
            salesperson = rng.choice(reps)
            opened = start + timedelta(days=rng.randint(0, (today - start).days))
            life = _life(rng, opened, today)
            brand = rng.choice(NAMES[kind])
            name = (
                f"{place}{brand}{SUFFIX[kind]}"
                if kind not in (ChannelKind.AGENT, ChannelKind.OTHER)
                else f"{place}{rng.choice(SURNAMES)}氏{brand}"
            )
            rows.append(
                Channel(
                    external_id=f"{PREFIX}{n:04d}",
                    name=f"{name}（{n}）" if kind in (ChannelKind.AGENT, ChannelKind.OTHER) else name,
                    kind=kind,
                    credit_code=_credit_code(rng, unit.code, used_codes) if kind != ChannelKind.AGENT else None,
                    unit=unit,
                    salesperson=salesperson,
                    tier=_weighted(rng, TIER_WEIGHTS),
                    state=life[-1][1],
                    state_since=life[-1][2],
                    address=f"{unit.name}{rng.choice(['人民路', '解放路', '中山路', '建设路'])}{rng.randint(1, 300)}号",
                )
            )
            lives.append(life)
    created = Channel.objects.bulk_create(rows, batch_size=500)
    if not created or created[0].pk is None:  # a backend that does not return ids: read them back
        by_external = dict(Channel.objects.filter(external_id__startswith=PREFIX).values_list("external_id", "pk"))
        for channel in created:
            channel.pk = by_external[channel.external_id]

    transitions, contacts, agreements, activities = [], [], [], []
    for channel, life in zip(created, lives, strict=True):
        user = channel.salesperson.user
        for from_state, to_state, on in life:
            reason = "建档" if not from_state else rng.choice(REASONS[to_state])
            transitions.append(
                ChannelTransition(channel_id=channel.pk, from_state=from_state, to_state=to_state, on=on, by=user, reason=reason)
            )
        for i in range(rng.randint(1, 2)):
            contacts.append(
                ChannelContact(
                    channel_id=channel.pk,
                    name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
                    title=rng.choice(CONTACT_TITLES),
                    phone=f"13{rng.randint(100000000, 999999999)}",
                    is_primary=i == 0,
                )
            )
        signed = next((on for _f, to_state, on in life if to_state == ChannelState.CONTRACTED), None)
        if signed is not None:
            agreements.append(
                ChannelAgreement(
                    channel_id=channel.pk,
                    kind=rng.choice([AgreementKind.COOPERATION, AgreementKind.AGENCY]),
                    signed_on=signed,
                    valid_to=signed + timedelta(days=rng.choice((365, 730, 1095))),
                    summary="代销公司理财产品，按季结算服务费",
                    by=user,
                )
            )
        if rng.random() < 0.6:
            opened, last = life[0][2], life[-1][2]
            for _ in range(rng.randint(1, 4)):
                kind = rng.choice(ActivityKind.values)
                on = opened + timedelta(days=rng.randint(0, max(0, (today - opened).days)))
                summary, next_step = ACTIVITY_TEXT[kind]
                next_on = on + timedelta(days=rng.randint(7, 30))
                activities.append(
                    ChannelActivity(
                        channel_id=channel.pk,
                        kind=kind,
                        on=on,
                        summary=summary,
                        next_step=next_step if channel.state != ChannelState.TERMINATED or on < last else "",
                        next_on=next_on if channel.state != ChannelState.TERMINATED or on < last else None,
                        by=user,
                    )
                )
    ChannelTransition.objects.bulk_create(transitions, batch_size=1000)
    ChannelContact.objects.bulk_create(contacts, batch_size=1000)
    ChannelAgreement.objects.bulk_create(agreements, batch_size=1000)
    ChannelActivity.objects.bulk_create(activities, batch_size=1000)
    counts.update(
        channels=len(created),
        transitions=len(transitions),
        contacts=len(contacts),
        agreements=len(agreements),
        activities=len(activities),
    )
    return counts
