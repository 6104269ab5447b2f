"""The demo company: named managers and sales staff on top of the default organisation.

Deterministic (fixed seed) so that the demo, screenshots and tests see the same people.
Later issues extend `seed_demo` with customers, sales, plans and reports.
"""

import random
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from core.rights import SYSTEM
from core.roles import Role
from regions.models import OrgUnit, StaffProfile
from regions.services import load_default_organisation, staff_hire

DEMO_PASSWORD = "demo-2026"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥建华文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"

# Logins printed at the end of the demo load: one per role, and the two districts of the scope tests.
FIXED_LOGINS = [
    ("director", Role.DIRECTOR, "HQ", "发展中心部长"),
    ("center", Role.CENTER_STAFF, "HQ", "审核专员"),
    ("rm_east", Role.REGIONAL_MANAGER, "HD", "华东大区经理"),
    ("rm_south", Role.REGIONAL_MANAGER, "HN", "华南大区经理"),
    ("pm_zhejiang", Role.PROVINCIAL_MANAGER, "330000", "浙江省级经理"),
    ("pm_guangdong", Role.PROVINCIAL_MANAGER, "440000", "广东省级经理"),
    ("dm_hangzhou", Role.DISTRICT_MANAGER, "330100", "杭州地办经理"),
    ("dm_guangzhou", Role.DISTRICT_MANAGER, "440100", "广州地办经理"),
    ("rep_hangzhou", Role.SALES_REP, "330100", "业务员"),
]
# Provinces whose districts all get a manager and sales staff in the demo.
STAFFED_PROVINCES = ["330000", "440000", "320000", "420000", "510000", "110000", "210000", "610000"]


class DemoNames:
    def __init__(self, seed=20260101):
        self.rng = random.Random(seed)
        self.used = set()

    def __call__(self):
        while True:
            name = self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))
            if name not in self.used:
                self.used.add(name)
                return name


MANAGERS = (Role.DISTRICT_MANAGER, Role.PROVINCIAL_MANAGER, Role.REGIONAL_MANAGER)


def acting_login(party, unit):
    """Who acts for `party` (a customer or a channel) in the demos — drafts its contract, asks for its credit exception
    or write-off: its salesperson (active, with a login), else the nearest manager with a login at or above `unit`
    (the people the rights let act for it), else the system."""
    salesperson = party.salesperson
    if salesperson is not None and salesperson.user_id and salesperson.is_active:
        return salesperson.user
    managers = {
        profile.unit_id: profile.user
        for profile in StaffProfile.objects.filter(role__in=MANAGERS, is_active=True, user__isnull=False)
        .select_related("user")
        .order_by("-pk")
    }
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    return next((managers[pk] for pk in reversed(ids) if pk in managers), SYSTEM)


@transaction.atomic
def load_demo_company(*, reps_per_district=3):
    """Load the demo people; returns the printed logins as (username, role label, unit name)."""
    load_default_organisation(by=SYSTEM)
    if StaffProfile.objects.filter(employee_no="E00001").exists():
        return _logins()
    units = {u.code: u for u in OrgUnit.objects.all()}
    names = DemoNames()
    rng = random.Random(7)
    counter = iter(range(1, 1_000_000))

    def hire(unit, role, title, username=None):
        n = next(counter)
        return staff_hire(
            by=SYSTEM,
            employee_no=f"E{n:05d}",
            name=names(),
            unit=unit,
            role=role,
            title=title,
            phone=f"13{rng.randint(100000000, 999999999)}",
            hire_date=date(rng.randint(2012, 2025), rng.randint(1, 12), rng.randint(1, 28)),
            username=username,
            password=DEMO_PASSWORD if username else None,
        )

    fixed_units = {}
    for username, role, code, title in FIXED_LOGINS:
        hire(units[code], role, title, username=username)
        fixed_units.setdefault((role, code), True)
    User = get_user_model()
    User.objects.filter(username="director").update(is_staff=True, is_superuser=True)

    for region in OrgUnit.objects.filter(kind="region").order_by("code"):
        if (Role.REGIONAL_MANAGER, region.code) not in fixed_units:
            hire(region, Role.REGIONAL_MANAGER, f"{region.name}经理", username=f"rm_{region.code.lower()}")
    for code in STAFFED_PROVINCES:
        province = units[code]
        if (Role.PROVINCIAL_MANAGER, code) not in fixed_units:
            hire(province, Role.PROVINCIAL_MANAGER, f"{province.name}省级经理")
        for district in province.children.filter(is_active=True).order_by("code"):
            if (Role.DISTRICT_MANAGER, district.code) not in fixed_units:
                hire(district, Role.DISTRICT_MANAGER, f"{district.name}地办经理")
            existing_reps = 1 if (Role.SALES_REP, district.code) in fixed_units else 0
            for _ in range(reps_per_district - existing_reps):
                hire(district, Role.SALES_REP, "业务员")
    return _logins()


def _logins():
    rows = []
    for username, role, code, _title in FIXED_LOGINS:
        unit = OrgUnit.objects.get(code=code)
        rows.append((username, Role(role).label, unit.name))
    return rows
