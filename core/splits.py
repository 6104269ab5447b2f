"""Keys of a split (`{child: share or value}`) as they come in: one normal form per child, each child once.

A split names its children by id ("85"), by period ("2026-03", or "3" for March) or by code. Text such
as "085", " 85" and 85 names the same child; JSON keeps both keys, and a dict that silently kept the
later one (or wrote both and hit a unique constraint) would be wrong either way. So every split and
allocation endpoint reads its keys through `keyed_once`, which refuses a child given twice with a 400
naming the field and the child.
"""

import re

from django.utils.translation import gettext as _

from core.errors import InvalidInput
from core.filters import MAX_ID

_ASCII_ID = re.compile(r"^[0-9]{1,19}$")


def parse_id(raw):
    """An id from input: an int or ASCII digits (leading zeros allowed) → int in 1 … 2^63−1, else None.
    (`int()` alone also takes "8_5", "+85", "٨٥" and "²"-like digits it then fails on.)"""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 0 < raw <= MAX_ID else None
    text = str(raw).strip()
    if not _ASCII_ID.match(text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def keyed_once(mapping, *, field, normalise, label_of=None):
    """{raw key: value} → {normal key: value}. `normalise(raw)` gives the normal key (or raises a
    DomainError for a key it cannot read); two raw keys with the same normal key are refused, naming
    the child (`label_of(key)`, default the key) and both spellings."""
    result, spelled = {}, {}
    for raw, value in mapping.items():
        key = normalise(raw)
        if key in result:
            child = label_of(key) if label_of is not None else key
            raise InvalidInput(
                _("%(child)s is given twice (as %(first)s and as %(second)s).")
                % {"child": child, "first": spelled[key], "second": raw},
                field=field,
                code="duplicate",
            )
        result[key] = value
        spelled[key] = raw
    return result
