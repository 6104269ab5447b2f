"""How figures are written: one rule for money, counts and rates, on pages, in Excel and in PDFs.

The precision is stated here, once:

* **money** in yuan, two decimals, grouped by thousands: `8,329,550.00`. Rounded half up (as the ledger
  rounds). Large amounts may be shown in 万 (10⁴) or 亿 (10⁸) where a manager reads them at a glance
  (KPI cards, chart axes): `832.96 万`, `1.23 亿`, two decimals — never in tables that add up.
* **counts** (customers, invoices, people) are whole numbers, grouped: `1,234` — never `1.00`.
* **rates** (attainment, overdue share) are percentages with **one** decimal: `43.8%`. A rate is
  computed once (as a fraction or a percentage) and only formatted here, so an alert and the table
  beside it always say the same number.

The template filters (`core/templatetags/money.py`: `money`, `wan`, `count`, `rate`, `pct1`), Excel
number formats (`MONEY_FORMAT`, `COUNT_FORMAT`, `RATE_FORMAT`) and the browser's `window.Fmt`
(`static/js/app.js`, for charts) all follow these constants. In a table a figure's cell (and its column
heading) has the class `num` (static/css/app.css: right-aligned, digits of equal width, never wrapped),
and a totals row closes the table where the column adds up.

`format()` instead of `floatformat`/locale formatting: the grouping (",") and decimal point (".") are
the same in both of the system's languages, and a plain format() costs a fraction of the localisation
layers on a page of hundreds of figures.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MONEY_PLACES = 2
RATE_PLACES = 1
WAN = Decimal(10_000)
YI = Decimal(100_000_000)

MONEY_FORMAT = "#,##0.00"  # Excel: the same grouping and two decimals
COUNT_FORMAT = "#,##0"
RATE_FORMAT = '0.0"%"'  # a cell holding the percentage (43.8), not the fraction
EMPTY = "—"

_MONEY_Q = Decimal(1).scaleb(-MONEY_PLACES)
_RATE_Q = Decimal(1).scaleb(-RATE_PLACES)


def as_decimal(value):
    """A Decimal from a number or numeric string; None for nothing or for what is not a finite number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def money(value, empty=""):
    """12345.6 → "12,345.60"."""
    number = as_decimal(value)
    return empty if number is None else format(number.quantize(_MONEY_Q, ROUND_HALF_UP), f",.{MONEY_PLACES}f")


def money_short(value, empty=""):
    """An amount for a glance: below 1 万 as money; from 1 万 in 万, from 1 亿 in 亿, two decimals."""
    number = as_decimal(value)
    if number is None:
        return empty
    size = abs(number)
    if size >= YI:
        return f"{format((number / YI).quantize(_MONEY_Q, ROUND_HALF_UP), ',.2f')} 亿"
    if size >= WAN:
        return f"{format((number / WAN).quantize(_MONEY_Q, ROUND_HALF_UP), ',.2f')} 万"
    return money(number)


def count(value, empty=""):
    """3 or Decimal("3.00") → "3"; 12345 → "12,345"."""
    number = as_decimal(value)
    return empty if number is None else format(number.quantize(Decimal(1), ROUND_HALF_UP), ",.0f")


def number(value, places=2, empty=""):
    """A measure that is neither money nor a count (a quantity of goods, a weight): grouped, at most
    `places` decimals, trailing zeros dropped — 1234.50 → "1,234.5", 3.00 → "3"."""
    number_ = as_decimal(value)
    if number_ is None:
        return empty
    text = format(number_.quantize(Decimal(1).scaleb(-int(places)), ROUND_HALF_UP), f",.{int(places)}f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def figure(value, kind="money", empty=""):
    """Money or a count, by the kind of the metric (`"count"` for counts, anything else money): a target
    table that holds both writes each with its own rule."""
    return count(value, empty) if kind == "count" else money(value, empty)


def percent(value, empty=""):
    """A percentage (43.75) → "43.8" (one decimal, no sign)."""
    number = as_decimal(value)
    return empty if number is None else format(number.quantize(_RATE_Q, ROUND_HALF_UP), f".{RATE_PLACES}f")


def rate(value, empty=EMPTY):
    """A percentage (43.75) → "43.8%"; `EMPTY` for no rate (no target: nothing to attain)."""
    text = percent(value)
    return f"{text}%" if text else empty


def fraction_rate(value, empty=EMPTY):
    """A fraction (0.4375) → "43.8%"."""
    number = as_decimal(value)
    return empty if number is None else rate(number * 100)
