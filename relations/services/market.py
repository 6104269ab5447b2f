"""Writes of market intelligence (市场信息): write a report, change it, delete it, and mark it raised as a special
event (called by risk, which reports the event: relations sits below risk and never imports it).

Every service takes the actor (`by=`) and asks its right (relations/rights/market.py) before it writes; bad input
is refused on its field with nothing written: an unknown product or one the company no longer sells, a
reliability outside A–D, a price change outside (−100 %, +100 %], a day in the future, a unit outside the
organisation's regions."""

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, InvalidInput
from core.money import parse_decimal, parse_money
from core.rights import SYSTEM, ensure
from core.roles import staff_of
from customers.models import Product
from customers.services.inputs import clean_date, clean_text
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile
from relations.choices_market import (
    MAX_TAGS,
    PRICE_CHANGE_MAX,
    PRICE_CHANGE_MIN,
    TAG_MAX_LENGTH,
    DemandSignal,
    MarketReportKind,
    MarketSource,
    Reliability,
)
from relations.models.market import MarketReport, MarketTag

__all__ = [
    "market_report_create",
    "market_report_delete",
    "market_report_mark_raised",
    "market_report_update",
    "region_of",
]

TEXT_MAX = 5000


def _choice(value, choices, *, field, required=True):
    value = "" if value is None else value
    if value == "" and not required:
        return ""
    if value not in choices.values:
        raise InvalidInput(
            _("%(value)s is not one of: %(choices)s.") % {"value": value or "—", "choices": ", ".join(choices.values)},
            field=field,
        )
    return value


def region_of(unit):
    """The region `unit` lies in (itself for a region); None for the center."""
    if unit.kind == UnitKind.REGION:
        return unit
    return unit.ancestors().filter(kind=UnitKind.REGION).first()


def _unit(unit):
    if unit is None or unit == "":
        raise InvalidInput(_("Choose the org unit the information is about."), field="unit")
    if not isinstance(unit, OrgUnit):
        try:
            unit = OrgUnit.objects.filter(pk=int(unit)).first()
        except (TypeError, ValueError, OverflowError):
            unit = None
        if unit is None:
            raise InvalidInput(_("No such org unit."), field="unit")
    if not unit.is_active:
        raise InvalidInput(_("%(unit)s is closed.") % {"unit": unit}, field="unit")
    region = region_of(unit)
    if region is None:
        raise InvalidInput(_("Market information belongs to a region or a unit below it."), field="unit")
    return unit, region


def _product(value):
    if value in (None, ""):
        return None
    if isinstance(value, Product):
        product = value
    else:
        try:
            product = Product.objects.filter(pk=int(value)).first()
        except (TypeError, ValueError, OverflowError):
            product = None
    if product is None:
        raise InvalidInput(_("No such product: %(value)s.") % {"value": value}, field="product")
    if not product.is_active:
        raise InvalidInput(_("The company does not sell %(product)s any more.") % {"product": product}, field="product")
    return product


def _price_level(value):
    if value in (None, ""):
        return None
    return parse_money(value, field="price_level", label=_("The competitor's price"), positive=True)


def _price_change(value):
    if value in (None, ""):
        return None
    change = parse_decimal(value, field="price_change", label=_("The price change"), max_digits=6, decimal_places=2)
    if not (PRICE_CHANGE_MIN < change <= PRICE_CHANGE_MAX):
        raise InvalidInput(
            _("A price change is a percentage above %(low)s and at most %(high)s; %(value)s is not believable.")
            % {"low": f"{PRICE_CHANGE_MIN:f}%", "high": f"+{PRICE_CHANGE_MAX:f}%", "value": f"{change:f}%"},
            field="price_change",
        )
    return change


def _observed_on(value):
    if value in (None, ""):
        raise InvalidInput(_("Say on which day the information was learnt."), field="observed_on")
    value = clean_date(value, field="observed_on")
    if value > timezone.localdate():
        raise InvalidInput(_("The information cannot have been learnt after today."), field="observed_on")
    return value


def clean_tags(values):
    """Tag names from a list or a text separated by commas (，、 too): trimmed, spaces collapsed, Latin letters in
    lower case, duplicates dropped, at most MAX_TAGS of at most TAG_MAX_LENGTH characters."""
    if values is None:
        return []
    if isinstance(values, str):
        values = re.split(r"[,，、;；]", values)
    names = []
    for value in values:
        if not isinstance(value, str):
            raise InvalidInput(_("A tag is a text."), field="tags")
        if "\x00" in value:
            raise InvalidInput(_("The text contains a NUL character."), field="tags")
        name = " ".join(value.split()).lower()
        if not name:
            continue
        if len(name) > TAG_MAX_LENGTH:
            raise InvalidInput(
                _("A tag has at most %(max)d characters: %(tag)s.") % {"max": TAG_MAX_LENGTH, "tag": name[:40]}, field="tags"
            )
        if name not in names:
            names.append(name)
    if len(names) > MAX_TAGS:
        raise InvalidInput(_("At most %(max)d tags.") % {"max": MAX_TAGS}, field="tags")
    return names


def _tags(names):
    existing = {tag.name: tag for tag in MarketTag.objects.filter(name__in=names)}
    missing = [MarketTag(name=name) for name in names if name not in existing]
    if missing:
        MarketTag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {tag.name: tag for tag in MarketTag.objects.filter(name__in=names)}
    return [existing[name] for name in names]


def _clean(*, kind, title, description, observed_on, competitor, competitor_product, product, price_level,
           price_change, policy, demand_signal, source, source_note, reliability, is_major, tags):  # fmt: skip
    fields = {
        "kind": _choice(kind, MarketReportKind, field="kind"),
        "title": clean_text(title, field="title", max_length=200, required=True, label=_("The title")),
        "description": clean_text(
            description, field="description", max_length=TEXT_MAX, required=True, label=_("What was learnt")
        ),
        "observed_on": _observed_on(observed_on),
        "competitor": " ".join(clean_text(competitor, field="competitor", max_length=100).split()),
        "competitor_product": clean_text(competitor_product, field="competitor_product", max_length=100),
        "product": _product(product),
        "price_level": _price_level(price_level),
        "price_change": _price_change(price_change),
        "policy": clean_text(policy, field="policy", max_length=TEXT_MAX),
        "demand_signal": _choice(demand_signal, DemandSignal, field="demand_signal", required=False),
        "source": _choice(source, MarketSource, field="source"),
        "source_note": clean_text(source_note, field="source_note", max_length=200),
        "reliability": _choice(reliability, Reliability, field="reliability"),
        "is_major": bool(is_major),
    }
    if (
        fields["kind"] in (MarketReportKind.COMPETITOR, MarketReportKind.PRICE, MarketReportKind.POLICY)
        and not fields["competitor"]
    ):
        raise InvalidInput(_("Name the competitor this information is about."), field="competitor")
    if fields["kind"] == MarketReportKind.PRICE and fields["price_change"] is None and fields["price_level"] is None:
        raise InvalidInput(_("A price report gives the competitor's price or its change."), field="price_change")
    return fields, clean_tags(tags)


def _reporter(by, reporter):
    """The report's author: the acting person; only the system (demo, data loads) names someone else."""
    if by is not SYSTEM:
        staff = staff_of(by, active=True)
        if staff is None:
            raise InvalidInput(_("Market reports are written by members of staff."), field="reporter")
        return staff
    if reporter not in (None, ""):
        pk = getattr(reporter, "pk", reporter)
        try:
            person = StaffProfile.objects.filter(pk=int(pk), is_active=True).select_related("unit").first()
        except (TypeError, ValueError, OverflowError):
            person = None
        if person is None:
            raise InvalidInput(_("No such member of staff."), field="reporter")
        return person
    raise InvalidInput(_("Name the member of staff who learnt this."), field="reporter")


@transaction.atomic
def market_report_create(
    *, by, unit, kind, title, description, observed_on, source, reliability, competitor="", competitor_product="",
    product=None, price_level=None, price_change=None, policy="", demand_signal="", source_note="", is_major=False,
    tags=(), reporter=None,
):  # fmt: skip
    """Write a market report of `unit` (a region or a unit below it). Its author is the acting person; the system
    (demo, imports) names one with `reporter`."""
    ensure(by, "market_report.create")  # may this person write reports at all (a branch key: 403 before any check)
    unit, region = _unit(unit)
    fields, tag_names = _clean(
        kind=kind, title=title, description=description, observed_on=observed_on, competitor=competitor,
        competitor_product=competitor_product, product=product, price_level=price_level, price_change=price_change,
        policy=policy, demand_signal=demand_signal, source=source, source_note=source_note, reliability=reliability,
        is_major=is_major, tags=tags,
    )  # fmt: skip
    report = MarketReport(unit=unit, region=region, reporter=_reporter(by, reporter), **fields)
    ensure(by, "market_report.create", report)
    report.save()
    report.tags.set(_tags(tag_names))
    return report


def _lock(report):
    return MarketReport.objects.select_for_update(of=("self",)).select_related("unit").get(pk=report.pk)


@transaction.atomic
def market_report_update(
    *, by, report, kind, title, description, observed_on, source, reliability, competitor="", competitor_product="",
    product=None, price_level=None, price_change=None, policy="", demand_signal="", source_note="", is_major=False,
    tags=(),
):  # fmt: skip
    """Change a report's particulars (its unit and author stay). A report raised as a special event stays major."""
    report = _lock(report)
    ensure(by, "market_report.update", report)
    fields, tag_names = _clean(
        kind=kind, title=title, description=description, observed_on=observed_on, competitor=competitor,
        competitor_product=competitor_product, product=product, price_level=price_level, price_change=price_change,
        policy=policy, demand_signal=demand_signal, source=source, source_note=source_note, reliability=reliability,
        is_major=is_major, tags=tags,
    )  # fmt: skip
    if report.is_raised:
        fields["is_major"] = True
    for name, value in fields.items():
        setattr(report, name, value)
    report.save()
    report.tags.set(_tags(tag_names))
    return report


@transaction.atomic
def market_report_delete(*, by, report):
    """Delete a report written by mistake; one raised as a special event stays (the event refers to it)."""
    report = _lock(report)
    ensure(by, "market_report.delete", report)
    if report.is_raised:
        raise Conflict(_("This report was raised as a special event; it stays on record."))
    report.delete()


@transaction.atomic
def market_report_mark_raised(*, by, report, event_id):
    """Record that `report` was raised as the special event `event_id` (risk calls this inside the transaction
    that reports the event). Once: a report raised already → Conflict (409)."""
    report = _lock(report)
    ensure(by, "market_report.raise", report)
    if report.is_raised:
        raise Conflict(_("This report has been raised as a special event already."))
    report.special_event_id = int(event_id)
    report.raised_at = timezone.now()
    report.raised_by = None if by is SYSTEM else staff_of(by)
    report.is_major = True
    report.save(update_fields=["special_event_id", "raised_at", "raised_by", "is_major", "updated_at"])
    return report
