"""Scoping-contract entries of this app (joined into tests.scoping_registry.REGISTRY).

Schemes, incentive schemes and runs "reach" a part of the tree: a person reads those of their own
subtree and of the units above them (a company-wide run covers everyone); here they are made for the
district itself, so the usual inside/outside expectations hold. Scores and reward proposals belong to a
person (a salesperson reads their own). Branch systems (API keys) read nothing of appraisal: 403 in
scope, 404 outside, like any reader without the right.
"""

from datetime import date

from core.rights import SYSTEM
from tests.scoping_registry import Scoped, Write, make_staff, make_unit

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
        make_staff(district, owner)  # someone to score in 广州
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

    staff = owner.staff if owner is not None else make_staff(district, owner)
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


# --- writes ----------------------------------------------------------------------------------------------------
#
# Rules (core/roles.py "appraisal.scheme", "appraisal.score", "reward.propose"; appraisal/services.py): the
# Development Center drafts, submits, revises and retires appraisal schemes, sets incentive schemes and computes
# the runs; a manager (or the center) scores the manual items of people below them in their scope; managers and
# the center propose rewards in their scope and submit them. Sales reps read their part only; branch keys
# read nothing here.

CENTER = frozenset({"director", "center"})


def _approved_scheme(district, owner):
    from appraisal.choices import SchemeState
    from appraisal.models import AppraisalScheme

    scheme = _scheme(district, owner)
    AppraisalScheme.objects.filter(pk=scheme.pk).update(state=SchemeState.APPROVED)
    scheme.refresh_from_db()
    return scheme


def _manual_item(score):
    return score.items.filter(item__kind="manual").order_by("item_id").first().item_id


def _scheme_form(district, name):
    return {
        "name": name,
        "role": "sales_rep",
        "period_kind": "month",
        "valid_from": "2020-01-01",
        "unit": district.pk,
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-0-kind": "sales_attainment",
        "items-0-weight": "70",
        "items-1-kind": "manual",
        "items-1-label": "团队协作",
        "items-1-weight": "30",
    }


def _reward_body(district, world, persona):
    return {"kind": "reward", "unit": district.pk, "period": "2025-12", "amount": "3000.00", "reason": "回款突出"}


WRITES = [
    # --- API -------------------------------------------------------------------------------------------------
    Write(
        name="appraisal scheme create",
        url="appraisal-scheme-list",
        make=make_unit,
        detail=False,
        body=lambda district, world, persona: {
            "name": f"新考核办法{next(_counter)}",
            "role": "sales_rep",
            "period_kind": "month",
            "valid_from": "2020-01-01",
            "unit": district.pk,
            "items": ITEMS,
        },
        writers=CENTER,
        success=201,
        rep_sees="unit",
        outside=400,
    ),
    Write(name="appraisal scheme submit", url="appraisal-scheme-submit", make=_scheme, writers=CENTER, rep_sees="unit"),
    Write(
        name="appraisal scheme revise",
        url="appraisal-scheme-revise",
        make=_approved_scheme,
        writers=CENTER,
        success=201,
        rep_sees="unit",
    ),
    Write(name="appraisal scheme retire", url="appraisal-scheme-retire", make=_approved_scheme, writers=CENTER, rep_sees="unit"),
    Write(
        name="appraisal run compute",
        url="appraisal-run-list",
        make=_approved_scheme,
        detail=False,
        body=lambda scheme, world, persona: {"scheme": scheme.pk, "period": "2025-11", "unit": scheme.unit_id},
        writers=CENTER,
        success=201,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="appraisal manual score",
        url="appraisal-score-manual",
        make=_score,
        body=lambda score, world, persona: {"item": _manual_item(score), "score": "85", "comment": "配合良好"},
        writers=MANAGERS,
    ),
    Write(
        name="incentive scheme create",
        url="appraisal-incentive-scheme-list",
        make=make_unit,
        detail=False,
        body=lambda district, world, persona: {
            "name": f"新激励办法{next(_counter)}",
            "subject": "district",
            "valid_from": "2020-01-01",
            "unit": district.pk,
            "classes": [{"name": "小", "min_sales": "0", "tiers": [{"min_attainment": "100", "bonus_rate": "1"}]}],
        },
        writers=CENTER,
        success=201,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="reward propose",
        url="appraisal-reward-proposal-list",
        make=make_unit,
        detail=False,
        body=_reward_body,
        writers=MANAGERS,
        success=201,
        rep_sees="unit",
        outside=400,
    ),
    Write(name="reward submit", url="appraisal-reward-proposal-submit", make=_reward, writers=MANAGERS),
    # --- pages -----------------------------------------------------------------------------------------------
    Write(
        name="appraisal scheme create page",
        url="appraisal:scheme_create",
        make=make_unit,
        detail=False,
        body=lambda district, world, persona: _scheme_form(district, f"新考核办法{next(_counter)}"),
        writers=CENTER,
        success=302,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="appraisal scheme edit page",
        url="appraisal:scheme_edit",
        make=_scheme,
        body=lambda scheme, world, persona: _scheme_form(scheme.unit, f"{scheme.name}（改）"),
        writers=CENTER,
        success=302,
        rep_sees="unit",
    ),
    Write(
        name="appraisal scheme submit page",
        url="appraisal:scheme_detail",
        make=_scheme,
        body={"action": "submit"},
        writers=CENTER,
        success=302,
        rep_sees="unit",
    ),
    Write(
        name="appraisal scheme revise page",
        url="appraisal:scheme_detail",
        make=_approved_scheme,
        body={"action": "revise"},
        writers=CENTER,
        success=302,
        rep_sees="unit",
    ),
    Write(
        name="appraisal scheme retire page",
        url="appraisal:scheme_detail",
        make=_approved_scheme,
        body={"action": "retire"},
        writers=CENTER,
        success=302,
        rep_sees="unit",
    ),
    Write(
        name="appraisal run compute page",
        url="appraisal:run_create",
        make=_approved_scheme,
        detail=False,
        body=lambda scheme, world, persona: {"scheme": scheme.pk, "period": "2025-11", "unit": scheme.unit_id},
        writers=CENTER,
        success=302,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="appraisal run recompute page", url="appraisal:run_detail", make=_run, writers=CENTER, success=302, rep_sees="unit"
    ),
    Write(
        name="appraisal manual score page",
        url="appraisal:score_detail",
        make=_score,
        body=lambda score, world, persona: {"item": _manual_item(score), "score": "85", "comment": "配合良好"},
        writers=MANAGERS,
        success=302,
    ),
    Write(
        name="incentive scheme create page",
        url="appraisal:incentive_create",
        make=make_unit,
        detail=False,
        body=lambda district, world, persona: {
            "name": f"新激励办法{next(_counter)}",
            "subject": "district",
            "valid_from": "2020-01-01",
            "unit": district.pk,
            "classes-TOTAL_FORMS": "1",
            "classes-INITIAL_FORMS": "0",
            "classes-0-name": "小",
            "classes-0-min_sales": "0",
            "classes-0-tiers": "100:1",
        },
        writers=CENTER,
        success=302,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="reward propose page",
        url="appraisal:reward_create",
        make=make_unit,
        detail=False,
        body=_reward_body,
        writers=MANAGERS,
        success=302,
        rep_sees="unit",
        outside=400,
    ),
    Write(name="reward submit page", url="appraisal:reward_detail", make=_reward, writers=MANAGERS, success=302),
]

# The incentives a scheme suggests for a period (of the reader's own unit when none is named).
ENTRIES += [
    Scoped(
        name="incentive suggestions",
        make=_incentive,
        api_detail="appraisal-incentive-scheme-suggested",
        api_detail_is_object=False,
        api_detail_query={"period": "2025-12"},
        readers=PEOPLE,
        rep_sees="unit",
    ),
]
