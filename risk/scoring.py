"""How a rating scheme turns factor values into a score and a grade, and the checks of a scheme's input.
Pure functions: the rating job, the pages ("why is this customer B") and the tests use the same ones."""

import bisect
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from appraisal.scoring import decimal_in
from core.errors import InvalidInput
from risk.choices import FACTORS_OF, GRADES, Factor, Grade

HUNDRED = Decimal(100)
# Factor values and band thresholds: days, months, shares and rates, negative too (a delay trend).
BAND_LOW, BAND_HIGH = Decimal(-100000), Decimal(100000)
SCORE = Decimal("0.01")


def clean_bands(bands, *, field="factors"):
    """Bands as [{"from": value, "score": 0–100}], `from` rising; else InvalidInput on `field`."""
    message = _("Each band is a threshold and a score from 0 to 100, thresholds rising.")
    if not isinstance(bands, list | tuple) or not bands:
        raise InvalidInput(message, field=field)
    cleaned, last = [], None
    for band in bands:
        if not isinstance(band, dict) or set(band) != {"from", "score"}:
            raise InvalidInput(message, field=field)
        start = decimal_in(band["from"], field=field, low=BAND_LOW, high=BAND_HIGH, message=message)
        score = decimal_in(band["score"], field=field, low=Decimal(0), high=HUNDRED, message=message)
        if last is not None and start <= last:
            raise InvalidInput(message, field=field)
        last = start
        cleaned.append({"from": str(start), "score": str(score)})
    return cleaned


def clean_factors(subject, factors):
    """A scheme's factors as dicts ready to save: at least one; each factor of the scheme's subject at most
    once; weights above 0 adding up to exactly 100; bands well formed; the score without a value 0–100."""
    if not isinstance(factors, list | tuple) or not factors:
        raise InvalidInput(_("Add at least one factor to the scheme."), field="factors")
    allowed = {str(f) for f in FACTORS_OF[subject]}
    cleaned, seen = [], set()
    for order, raw in enumerate(factors):
        if not isinstance(raw, dict):
            raise InvalidInput(_("Each factor needs a factor, a weight and bands."), field="factors")
        factor = raw.get("factor")
        if factor not in allowed:
            raise InvalidInput(
                _("%(factor)s is not a factor of this scheme's subject.") % {"factor": str(factor)[:40]}, field="factors"
            )
        if factor in seen:
            raise InvalidInput(_("The factor %(factor)s appears twice.") % {"factor": Factor(factor).label}, field="factors")
        seen.add(factor)
        weight = decimal_in(
            raw.get("weight"),
            field="factors",
            low=Decimal("0.01"),
            high=HUNDRED,
            message=_("Each weight is a number above 0 and at most 100."),
        )
        if weight != weight.quantize(SCORE):
            raise InvalidInput(_("Each weight is a number above 0 and at most 100."), field="factors")
        if_missing = decimal_in(
            raw.get("if_missing", HUNDRED),
            field="factors",
            low=Decimal(0),
            high=HUNDRED,
            message=_("The score without a value is 0 to 100."),
        )
        cleaned.append(
            {
                "factor": factor,
                "weight": weight,
                "bands": clean_bands(raw.get("bands")),
                "if_missing": if_missing.quantize(SCORE, rounding=ROUND_HALF_UP),
                "order": order,
            }
        )
    total = sum((item["weight"] for item in cleaned), Decimal(0))
    if total != HUNDRED:
        raise InvalidInput(
            _("The weights of a rating scheme must add up to exactly 100; these add up to %(total)s.") % {"total": total},
            field="factors",
        )
    return cleaned


def clean_grades(grades):
    """Grade ranges as [{"grade", "from", "to"}], best grade first, each grade once, covering 0–100: each
    range starts where the next worse one ends, the best ends at 100 and the worst starts at 0. Overlaps
    and gaps are refused, naming the two grades."""
    field = "grades"
    if not isinstance(grades, list | tuple) or len(grades) < 2:
        raise InvalidInput(_("Give at least two grades, each with the range of scores it covers."), field=field)
    message = _("Each grade has a range from 0 to 100 (from below to).")
    cleaned = []
    for raw in grades:
        if not isinstance(raw, dict) or set(raw) != {"grade", "from", "to"} or raw["grade"] not in Grade.values:
            raise InvalidInput(message, field=field)
        start = decimal_in(raw["from"], field=field, low=Decimal(0), high=HUNDRED, message=message)
        end = decimal_in(raw["to"], field=field, low=Decimal(0), high=HUNDRED, message=message)
        if start >= end:
            raise InvalidInput(message, field=field)
        cleaned.append({"grade": raw["grade"], "from": start, "to": end})
    names = [item["grade"] for item in cleaned]
    if len(set(names)) != len(names):
        raise InvalidInput(_("Each grade appears once."), field=field)
    if names != sorted(names, key=GRADES.index):
        raise InvalidInput(_("List the grades from the best (AAA) to the worst."), field=field)
    if cleaned[0]["to"] != HUNDRED:
        raise InvalidInput(_("The best grade's range must end at 100."), field=field)
    if cleaned[-1]["from"] != 0:
        raise InvalidInput(_("The worst grade's range must start at 0."), field=field)
    for better, worse in zip(cleaned, cleaned[1:], strict=False):
        if worse["to"] > better["from"]:
            raise InvalidInput(
                _("The ranges of %(a)s and %(b)s overlap.") % {"a": better["grade"], "b": worse["grade"]}, field=field
            )
        if worse["to"] < better["from"]:
            raise InvalidInput(
                _("Between %(b)s and %(a)s there is a gap of scores no grade covers.")
                % {"a": better["grade"], "b": worse["grade"]},
                field=field,
            )
    return [{"grade": item["grade"], "from": str(item["from"]), "to": str(item["to"])} for item in cleaned]


class Scorer:
    """A scheme ready to score many rows fast: per factor its weight, band thresholds and scores."""

    def __init__(self, factors, grades):
        self.factors = [
            (
                f["factor"],
                Decimal(f["weight"]) / HUNDRED,
                [Decimal(b["from"]) for b in f["bands"]],
                [Decimal(b["score"]) for b in f["bands"]],
                Decimal(f.get("if_missing", HUNDRED)),
            )
            for f in factors
        ]
        # Worst first, for bisect on the ranges' starts.
        ordered = sorted(grades, key=lambda g: Decimal(g["from"]))
        self.starts = [Decimal(g["from"]) for g in ordered]
        self.names = [g["grade"] for g in ordered]

    @classmethod
    def of(cls, scheme):
        factors = [
            {"factor": f.factor, "weight": f.weight, "bands": f.bands, "if_missing": f.if_missing} for f in scheme.factors.all()
        ]
        return cls(factors, scheme.grades)

    @staticmethod
    def band_score(value, starts, scores, if_missing):
        if value is None:
            return if_missing
        index = bisect.bisect_right(starts, value) - 1
        return scores[max(index, 0)]

    def factor_scores(self, values):
        """{factor: score 0–100} of one row's values."""
        return {
            name: self.band_score(values.get(name), starts, scores, missing) for name, _w, starts, scores, missing in self.factors
        }

    def score(self, values):
        """The weighted total of one row's values, to the hundredth (half up)."""
        total = sum(
            (
                weight * self.band_score(values.get(name), starts, scores, missing)
                for name, weight, starts, scores, missing in self.factors
            ),
            Decimal(0),
        )
        return total.quantize(SCORE, rounding=ROUND_HALF_UP)

    def grade(self, total):
        """The grade whose range holds `total` (from ≤ total < to; the best grade's range includes 100)."""
        return self.names[max(bisect.bisect_right(self.starts, total) - 1, 0)]
