"""Scoping-contract entries of this app (joined into tests.scoping_registry.REGISTRY).

Schemes, incentive schemes and runs "reach" a part of the tree: a person reads those of their own
subtree and of the units above them (a company-wide run covers everyone); here they are made for the
district itself, so the usual inside/outside expectations hold. Scores and reward proposals belong to a
person (a salesperson reads their own). Branch systems (API keys) read nothing of appraisal: 403 in
scope, 404 outside, like any reader without the right.
"""

from datetime import date

from core.rights import SYSTEM
from tests.scoping_registry import Scoped, _staff

_counter = iter(range(1, 10**6))

PEOPLE = frozenset(
    {
        "director",
        "center",
        "rm_east",
        "rm_south",
        "pm_zhejiang",
        "pm_guangdong",
        "dm_hangzhou",
        "dm_guangzhou",
        "rep_hangzhou",
    }
)
MANAGERS = PEOPLE - {"rep_hangzhou"}

ITEMS = [{"kind": "sales_attainment", "weight": "70"}, {"kind": "manual", "label": "团队协作", "weight": "30"}]


def _scheme(district, owner):
    from appraisal.services import scheme_create

    n = next(_counter)
    return scheme_create(
        name=f"登记考核办法{n}",
        role="sales_rep",
        period_kind="month",
        valid_from=date(2020, 1, 1),
        items=ITEMS,
        unit=district,
        by=SYSTEM,
    )


def _run(district, owner):
    from appraisal.choices import SchemeState
    from appraisal.models import AppraisalScheme
    from appraisal.services import run_compute

    scheme = _scheme(district, owner)
    AppraisalScheme.objects.filter(pk=scheme.pk).update(state=SchemeState.APPROVED)
    scheme.refresh_from_db()
    if owner is None:
        _staff(district, owner)  # someone to score in 广州
    return run_compute(scheme=scheme, period="2025-12", unit=district, by=SYSTEM)


def _score(district, owner):
    from appraisal.models import AppraisalScore

    run = _run(district, owner)
    scores = AppraisalScore.objects.filter(run=run)
    if owner is not None:
        return scores.get(staff=owner.staff)
    return scores.order_by("-staff_id").first()


def _incentive(district, owner):
    from appraisal.services import incentive_scheme_create

    n = next(_counter)
    return incentive_scheme_create(
        name=f"登记激励办法{n}",
        subject="district",
        valid_from=date(2020, 1, 1),
        unit=district,
        classes=[{"name": "小", "min_sales": "0", "tiers": [{"min_attainment": "100", "bonus_rate": "1"}]}],
        by=SYSTEM,
    )


def _reward(district, owner):
    from appraisal.models import RewardProposal

    staff = owner.staff if owner is not None else _staff(district, owner)
    n = next(_counter)
    return RewardProposal.objects.create(unit=district, staff=staff, period="2025-12", amount="5000.00", reason=f"登记奖励{n}")


ENTRIES = [
    Scoped(
        name="appraisal scheme",
        make=_scheme,
        api_list="appraisal-scheme-list",
        api_detail="appraisal-scheme-detail",
        api_patch={"description": "补充说明"},
        writers=frozenset({"director", "center"}),
        web_list="appraisal:scheme_list",
        web_detail="appraisal:scheme_detail",
        readers=PEOPLE,
        rep_sees="unit",
        find=lambda obj: {"q": obj.name},
    ),
    Scoped(
        name="appraisal run",
        make=_run,
        api_list="appraisal-run-list",
        api_detail="appraisal-run-detail",
        web_list="appraisal:run_list",
        web_detail="appraisal:run_detail",
        readers=PEOPLE,
        rep_sees="unit",
        find=lambda obj: {"scheme": obj.scheme_id},
    ),
    Scoped(name="appraisal run export", make=_run, web_detail="appraisal:run_export", readers=PEOPLE, rep_sees="unit"),
    Scoped(
        name="appraisal score",
        make=_score,
        api_list="appraisal-score-list",
        api_detail="appraisal-score-detail",
        web_detail="appraisal:score_detail",
        readers=PEOPLE,
        find=lambda obj: {"run": obj.run_id, "staff": obj.staff_id},
    ),
    Scoped(
        name="incentive scheme",
        make=_incentive,
        api_list="appraisal-incentive-scheme-list",
        api_detail="appraisal-incentive-scheme-detail",
        web_list="appraisal:incentive_list",
        web_detail="appraisal:incentive_detail",
        readers=PEOPLE,
        rep_sees="unit",
        find=lambda obj: {"q": obj.name},
    ),
    Scoped(
        name="reward proposal",
        make=_reward,
        api_list="appraisal-reward-proposal-list",
        api_detail="appraisal-reward-proposal-detail",
        web_list="appraisal:reward_list",
        web_detail="appraisal:reward_detail",
        api_patch={"reason": "补充理由"},
        writers=MANAGERS,
        readers=PEOPLE,
        find=lambda obj: {"q": obj.reason},
    ),
]
