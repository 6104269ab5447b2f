"""Scoping-contract entries of market intelligence (relations, issue 18), joined into tests.scoping_registry.

A market report belongs to its unit and its author (ScopeSpec(path="unit__path", owner="reporter")): a salesperson
reads and changes only their own, a manager their subtree's, the center all. Writers (relations/rights/market.py):
every person whose role keeps the customer archive — the center, the managers, sales staff (their own) —, never a
branch system's key (a report has a person who wrote it: 403). Raising a report as a special event is risk's page
(risk:event_from_market), asked of whoever may change the report (all of them hold `event.report`)."""

from datetime import date

from core.rights import SYSTEM
from tests.scoping_registry import Scoped, Write, make_staff, make_unit

MARKET_WRITERS = frozenset(
    {"director", "center", "rm_east", "rm_south", "pm_zhejiang", "pm_guangdong", "dm_hangzhou", "dm_guangzhou", "rep_hangzhou"}
)
OBSERVED = date(2025, 6, 10)  # in the past whatever the day the contract runs
_counter = iter(range(1, 10**6))


def _market_report(district, owner):
    from relations.services import market_report_create

    n = next(_counter)
    reporter = owner.staff if owner is not None else make_staff(district, owner)
    return market_report_create(
        by=SYSTEM,
        reporter=reporter,
        unit=district,
        kind="price",
        title=f"登记市场信息{n}",
        description="竞争对手下调费率",
        observed_on=OBSERVED,
        competitor=f"登记竞品{n}",
        price_change="-3.50",
        source="visit",
        reliability="B",
        tags=["价格战"],
    )


def _market_report_for_delete(district, owner):
    return _market_report(district, owner)


def _market_report_for_edit(district, owner):
    return _market_report(district, owner)


def _market_report_for_raise(district, owner):
    return _market_report(district, owner)


_BODY = {
    "kind": "policy",
    "title": "登记改写",
    "observed_on": "2025-06-11",
    "description": "竞争对手提高渠道返利",
    "competitor": "登记竞品",
    "policy": "返利 2.5%",
    "source": "channel",
    "reliability": "C",
}

ENTRIES = [
    Scoped(
        name="market report",
        make=_market_report,
        api_list="relations-market-report-list",
        api_detail="relations-market-report-detail",
        web_list="relations:market_report_list",
        web_detail="relations:market_report_detail",
        api_patch=_BODY,
        writers=MARKET_WRITERS,
        find=lambda obj: {"q": obj.title},
    ),
    Scoped(name="market report edit page", make=_market_report, web_detail="relations:market_report_edit"),
    Scoped(
        name="market overview",
        make=_market_report,
        web_list="relations:market_overview",
        find=lambda obj: {"q": obj.title, "period": "2025-Q2"},
        web_visible=lambda response, obj: any(
            row["competitor"] == obj.competitor for region in response.context["regions"] for row in region["rows"]
        ),
    ),
]

WRITES = [
    Write(
        name="market report create",
        url="relations-market-report-list",
        make=make_unit,
        detail=False,
        body=lambda obj, world, persona: {**_BODY, "unit": obj.pk, "tags": ["渠道返利"]},
        writers=MARKET_WRITERS,  # a salesperson's report is their own (they are its author)
        success=201,
        rep_sees="unit",
        outside=400,  # the unit is looked up in the caller's scope
    ),
    Write(
        name="market report delete",
        url="relations-market-report-detail",
        method="delete",
        make=_market_report_for_delete,
        writers=MARKET_WRITERS,
        success=204,
    ),
    Write(
        name="market report create page",
        url="relations:market_report_create",
        make=make_unit,
        detail=False,
        body=lambda obj, world, persona: {**_BODY, "unit": obj.pk, "tags": "渠道返利"},
        writers=MARKET_WRITERS,
        success=302,
        rep_sees="unit",
        outside=400,  # the form offers the units in the caller's scope
    ),
    Write(
        name="market report edit page",
        url="relations:market_report_edit",
        make=_market_report_for_edit,
        body=_BODY,
        writers=MARKET_WRITERS,
        success=302,
    ),
    Write(
        name="market report raised as a special event",
        url="risk:event_from_market",
        make=_market_report_for_raise,
        writers=MARKET_WRITERS,
        success=302,
    ),
]
