"""Validators of customer data: the unified social credit code and pinyin initials for search."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

# GB 32100-2015: the 31 characters a code may use (no I, O, S, V, Z) and the weights of its first 17.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_LENGTH = 18


def credit_code_check_character(body):
    """The check character of the first 17 characters of a credit code (they must be valid)."""
    total = sum(CREDIT_CODE_CHARSET.index(char) * weight for char, weight in zip(body, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def validate_credit_code(code):
    """Return the code uppercased if it is a valid unified social credit code; raise ValidationError
    saying what is wrong (length, a character outside the charset, or the check character)."""
    if not isinstance(code, str):
        raise ValidationError(_("A unified social credit code is a text of 18 characters."), code="invalid")
    code = code.strip().upper()
    if len(code) != CREDIT_CODE_LENGTH:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(length)d.") % {"length": len(code)},
            code="length",
        )
    for position, char in enumerate(code, start=1):
        if char not in CREDIT_CODE_CHARSET:
            raise ValidationError(
                _("The character %(char)r at position %(position)d cannot appear in a unified social credit code.")
                % {"char": char, "position": position},
                code="character",
            )
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "The check character of this unified social credit code is wrong: it ends in %(actual)s, it should end in %(expected)s."
            )
            % {"actual": code[17], "expected": expected},
            code="check",
        )
    return code


def pinyin_initials(name):
    """The pinyin initials of a name, lowercase letters and digits only: "杭州银行" → "hzyh"."""
    if not name:
        return ""
    # Non-Chinese runs come back unchanged from lazy_pinyin; keep their letters and digits as they are.
    parts = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
    return "".join(char for char in "".join(parts).lower() if char.isascii() and char.isalnum())
