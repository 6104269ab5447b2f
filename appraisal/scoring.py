"""The arithmetic of appraisal, with no database: how a rate becomes an item score and how item scores
add up to a total. Rounding: half up to the cent, once, at the end of each step."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from appraisal.choices import ScoringRule
from core.errors import InvalidInput
from core.money import parse_weight

CENT = Decimal("0.01")
RATE = Decimal("0.0001")
HUNDRED = Decimal("100")


def to_cent(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def rate_of(actual, target):
    """actual ÷ target to 4 places; None without a (positive) target."""
    if target is None or actual is None or Decimal(target) <= 0:
        return None
    return (Decimal(actual) / Decimal(target)).quantize(RATE, rounding=ROUND_HALF_UP)


def item_score(*, rule, rate, cap=HUNDRED, tiers=()):
    """The score of a rate: linear min(cap, max(0, rate × 100)); tiers: the score of the highest tier
    whose `from` (percent) the rate reaches, 0 below the first. None when there is no rate."""
    if rate is None:
        return None
    percent = Decimal(rate) * HUNDRED
    if rule == ScoringRule.TIERS:
        reached = [Decimal(str(t["score"])) for t in tiers if percent >= Decimal(str(t["from"]))]
        return to_cent(reached[-1]) if reached else Decimal("0.00")
    return to_cent(min(Decimal(cap), max(Decimal(0), percent)))


def total_score(pairs):
    """Σ weight × item score ÷ 100 over (weight, score) pairs, to the cent; a missing score counts 0."""
    exact = sum((Decimal(weight) * (score if score is not None else Decimal(0)) for weight, score in pairs), Decimal(0))
    return to_cent(exact / HUNDRED)


def competition_ranks(rows, key):
    """{id: rank} for (id, value) rows, highest value first; equal values share a rank (1, 2, 2, 4)."""
    ordered = sorted(rows, key=key)
    ranks, previous, rank = {}, object(), 0
    for position, (row_id, value) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        ranks[row_id] = rank
    return ranks


def decimal_in(value, *, field, low=None, high=None, message=None):
    """Parse a number from input; outside [low, high] or not a number → InvalidInput on `field`. The
    digits and exponent are bounded (core.money.parse_decimal: 16 whole digits, 10 decimals) before any
    arithmetic, so "1e-4000000" or "1e400" is refused at once instead of stalling a worker or overflowing
    an 18-digit column."""
    wording = {"invalid": message, "max_whole_digits": message, "max_decimal_places": message} if message else None
    number = parse_weight(value, field=field, label=_("The number"), messages=wording)
    if (low is not None and number < low) or (high is not None and number > high):
        raise InvalidInput(message or _("Enter a number."), field=field)
    return number


def clean_tiers(tiers, *, field):
    """Tiers as [{"from": percent, "score": score}], thresholds rising, scores 0–1000; else InvalidInput."""
    message = _("Tiers are rows of a threshold (percent of target) and a score, thresholds rising.")
    if not isinstance(tiers, list | tuple) or not tiers:
        raise InvalidInput(message, field=field)
    cleaned, last = [], None
    for tier in tiers:
        if not isinstance(tier, dict) or set(tier) != {"from", "score"}:
            raise InvalidInput(message, field=field)
        start = decimal_in(tier["from"], field=field, low=Decimal(0), high=Decimal(10000), message=message)
        score = decimal_in(tier["score"], field=field, low=Decimal(0), high=Decimal(1000), message=message)
        if last is not None and start <= last:
            raise InvalidInput(message, field=field)
        last = start
        cleaned.append({"from": str(start), "score": str(score)})
    return cleaned
