"""Periods as values: a year (`2026`), a quarter (`2026-Q3`) or a month (`2026-07`).

Plans, targets and budgets are set per period, and figures roll up month → quarter → year. Every date
range in those paths comes from here, so there is no ad-hoc date arithmetic elsewhere. The text form is
canonical: `str(Period.parse(text)) == text` for every valid text, and the database stores that text.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import total_ordering

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import out_of_range_message, supported_years
from core.errors import InvalidInput

YEAR, QUARTER, MONTH = "year", "quarter", "month"
KINDS = (YEAR, QUARTER, MONTH)
# Longer periods sort before shorter ones starting on the same day: 2026 < 2026-Q1 < 2026-01.
_RANK = {YEAR: 0, QUARTER: 1, MONTH: 2}
_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-Q(?P<quarter>[1-4])|-(?P<month>0[1-9]|1[0-2]))?$")


class PeriodOutOfRange(ValueError):
    """A well-formed period outside the supported years (settings.SUPPORTED_DATE_MIN/MAX, core.dates)."""


@total_ordering
@dataclass(frozen=True, eq=True)
class Period:
    """A calendar year, quarter or month. `index` is 0 for a year, 1–4 for a quarter, 1–12 for a month."""

    kind: str
    year: int
    index: int = 0

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Unknown period kind {self.kind!r}: use one of {', '.join(KINDS)}.")
        if not 1 <= self.year <= 9999:
            raise ValueError(f"Year {self.year} is out of range 1–9999.")
        bounds = {YEAR: (0, 0), QUARTER: (1, 4), MONTH: (1, 12)}[self.kind]
        if not bounds[0] <= self.index <= bounds[1]:
            raise ValueError(f"A {self.kind} index must lie in {bounds[0]}–{bounds[1]}, not {self.index}.")

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def parse(cls, text, *, bounded=True):
        """`"2026"`, `"2026-Q3"` or `"2026-07"` → Period. A Period is returned as it is.

        Input is refused outside the supported years (PeriodOutOfRange, a ValueError whose text says the
        range in the active language); `bounded=False` reads back what is already stored.
        """
        if isinstance(text, Period):
            return text
        if not isinstance(text, str):
            raise ValueError(f"A period is text such as 2026, 2026-Q3 or 2026-07, not {type(text).__name__}.")
        match = _PATTERN.match(text.strip())
        if match is None or match["year"] == "0000":
            raise ValueError(
                f"{text!r} is not a period: write a year (2026), a quarter (2026-Q3) or a month with two digits (2026-07)."
            )
        year = int(match["year"])
        if bounded:
            first, last = supported_years()
            if not first <= year <= last:
                raise PeriodOutOfRange(str(out_of_range_message()))
        if match["quarter"]:
            return cls(QUARTER, year, int(match["quarter"]))
        if match["month"]:
            return cls(MONTH, year, int(match["month"]))
        return cls(YEAR, year)

    @classmethod
    def of(cls, day, kind):
        """The period of the given kind that contains a date."""
        if kind == YEAR:
            return cls(YEAR, day.year)
        if kind == QUARTER:
            return cls(QUARTER, day.year, (day.month - 1) // 3 + 1)
        if kind == MONTH:
            return cls(MONTH, day.year, day.month)
        raise ValueError(f"Unknown period kind {kind!r}: use one of {', '.join(KINDS)}.")

    @classmethod
    def year_of(cls, year):
        return cls(YEAR, year)

    # --- text -----------------------------------------------------------------------------------
    def __str__(self):
        if self.kind == YEAR:
            return f"{self.year:04d}"
        if self.kind == QUARTER:
            return f"{self.year:04d}-Q{self.index}"
        return f"{self.year:04d}-{self.index:02d}"

    def __repr__(self):
        return f"Period({str(self)!r})"

    # --- dates ----------------------------------------------------------------------------------
    @property
    def first_month(self):
        return {YEAR: 1, QUARTER: 3 * self.index - 2, MONTH: self.index}[self.kind]

    @property
    def last_month(self):
        return {YEAR: 12, QUARTER: 3 * self.index, MONTH: self.index}[self.kind]

    @property
    def start(self):
        return date(self.year, self.first_month, 1)

    @property
    def end(self):
        """The last day of the period (inclusive)."""
        month = self.last_month
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    def contains(self, other):
        """True if a date, or a whole other period, lies inside this period."""
        if isinstance(other, Period):
            return self.start <= other.start and other.end <= self.end
        return self.start <= other <= self.end

    def __contains__(self, other):
        return self.contains(other)

    # --- the tree -------------------------------------------------------------------------------
    def parent(self):
        """Month → its quarter → its year; a year has no parent."""
        if self.kind == MONTH:
            return Period(QUARTER, self.year, (self.index - 1) // 3 + 1)
        if self.kind == QUARTER:
            return Period(YEAR, self.year)
        return None

    def children(self):
        """Year → its 4 quarters; quarter → its 3 months; a month has none."""
        if self.kind == YEAR:
            return [Period(QUARTER, self.year, q) for q in range(1, 5)]
        if self.kind == QUARTER:
            return self.months()
        return []

    def months(self):
        """The months inside the period, in order (a month's only month is itself)."""
        return [Period(MONTH, self.year, m) for m in range(self.first_month, self.last_month + 1)]

    # --- neighbours -----------------------------------------------------------------------------
    def _shift(self, steps):
        if self.kind == YEAR:
            return Period(YEAR, self.year + steps)
        per_year = 4 if self.kind == QUARTER else 12
        ordinal = self.year * per_year + (self.index - 1) + steps
        return Period(self.kind, ordinal // per_year, ordinal % per_year + 1)

    def previous(self):
        """The period of the same kind just before this one (2026-01 → 2025-12)."""
        return self._shift(-1)

    def next(self):
        return self._shift(1)

    def same_period_last_year(self):
        """The same year, quarter or month one year earlier (同期), for comparisons with last year."""
        return Period(self.kind, self.year - 1, self.index)

    # --- ordering -------------------------------------------------------------------------------
    def _key(self):
        return (self.start, _RANK[self.kind])

    def __lt__(self, other):
        if not isinstance(other, Period):
            return NotImplemented
        return self._key() < other._key()


def parse_input(text, *, field="period", begun=False, today=None):
    """A period from input, or InvalidInput naming `field`: not a period, or outside the supported years.

    `begun=True` (figures, appraisals, reports: what has happened): a period that starts after `today`
    (default: today's local date) is refused too."""
    try:
        period = Period.parse(text)
    except PeriodOutOfRange as error:
        raise InvalidInput(str(error), field=field, code="date_out_of_range") from None
    except ValueError:
        raise InvalidInput(
            _("%(value)s is not a period: write a year (2026), a quarter (2026-Q3) or a month (2026-07).") % {"value": text},
            field=field,
        ) from None
    if begun and period.start > (today or timezone.localdate()):
        raise InvalidInput(_("The period %(period)s has not begun yet.") % {"period": period}, field=field)
    return period


def validate_period(value):
    """Django validator: the value is a period's text (or a Period) inside the supported years."""
    try:
        Period.parse(value)
    except PeriodOutOfRange as error:
        raise ValidationError(str(error), code="date_out_of_range") from error
    except ValueError as error:
        raise ValidationError(
            _("%(value)s is not a period: write a year (2026), a quarter (2026-Q3) or a month (2026-07)."),
            code="invalid_period",
            params={"value": value},
        ) from error


class _PeriodAttribute(DeferredAttribute):
    """Keeps the model attribute a Period whatever is assigned (text from a form, a row from the DB).
    Text that is not a period stays as it is, so full_clean() can report it instead of a crash here."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = self.field.coerce(value)


class PeriodField(models.CharField):
    """A period stored as its canonical text (max 7 characters), read back as a `Period`."""

    descriptor_class = _PeriodAttribute
    description = _("Period (year, quarter or month)")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 7)
        super().__init__(*args, **kwargs)

    @property
    def validators(self):
        # CharField's length check would call len() on a Period; parsing already bounds the length.
        return [validate_period, *self._validators]

    @staticmethod
    def coerce(value):
        if value is None or isinstance(value, Period):
            return value
        try:
            return Period.parse(value, bounded=False)
        except ValueError:
            return value

    def from_db_value(self, value, expression, connection):
        return self.coerce(value)

    def to_python(self, value):
        if value is None or isinstance(value, Period):
            return value
        try:
            return Period.parse(str(value))
        except PeriodOutOfRange as error:
            raise ValidationError(str(error), code="date_out_of_range") from error
        except ValueError as error:
            raise ValidationError(
                _("%(value)s is not a period: write a year (2026), a quarter (2026-Q3) or a month (2026-07)."),
                code="invalid_period",
                params={"value": value},
            ) from error

    def get_prep_value(self, value):
        if value is None:
            return None
        return str(value)

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return "" if value is None else str(value)
