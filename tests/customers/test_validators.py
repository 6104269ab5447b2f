"""The unified social credit code (GB 32100-2015) and pinyin initials."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from customers.validators import credit_code_check_character, pinyin_initials, validate_credit_code

# Real, public codes of well-known companies (from their published business licences).
REAL_CODES = ["91350100M000100Y43", "91440300708461136T", "911100001000044477", "91110000600037341L"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    assert validate_credit_code(code) == code
    assert credit_code_check_character(code[:17]) == code[17]


def test_code_is_uppercased_and_trimmed():
    assert validate_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"


def test_check_character_zero_when_remainder_is_zero():
    # A body whose weighted sum is a multiple of 31 must end in "0" (31 → 0), not index 31 (out of range).
    body = "00000000000000000"
    assert credit_code_check_character(body) == "0"
    assert validate_credit_code(body + "0") == body + "0"


@pytest.mark.parametrize(
    ("code", "code_name", "message_part"),
    [
        ("91350100M000100Y4", "length", "18"),
        ("91350100M000100Y433", "length", "19"),
        ("", "length", "0"),
        ("91350100M000100I43", "character", "'I'"),  # I, O, S, V, Z are not in the charset
        ("91350100M0001 0Y43", "character", "position 14"),
        ("91350100M000100Y44", "check", "should end in 3"),
    ],
)
def test_invalid_codes_say_what_is_wrong(code, code_name, message_part):
    with translation.override("en"), pytest.raises(ValidationError) as info:
        validate_credit_code(code)
    assert info.value.code == code_name
    assert message_part in info.value.messages[0]


def test_every_single_character_change_is_caught():
    code = REAL_CODES[0]
    for position in range(17):
        for char in "0123456789ABCDEFGHJKLMNPQRTUWXY":
            if char == code[position]:
                continue
            changed = code[:position] + char + code[position + 1 :]
            with pytest.raises(ValidationError):
                validate_credit_code(changed)


def test_not_a_string_is_refused():
    with pytest.raises(ValidationError):
        validate_credit_code(913501001)


@pytest.mark.parametrize(
    ("name", "initials"),
    [("杭州银行", "hzyh"), ("中国平安保险（集团）股份有限公司", "zgpabxjtgfyxgs"), ("ABC科技2号", "abckj2h"), ("", "")],
)
def test_pinyin_initials(name, initials):
    assert pinyin_initials(name) == initials
