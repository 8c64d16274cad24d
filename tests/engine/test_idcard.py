"""Tests for citizen ID and social-security card numbers."""

from __future__ import annotations

from datetime import date

import pytest

from engine.idcard import (
    IdNumberError,
    SsCardNumberError,
    age_on,
    birth_date,
    gender,
    mask_id_number,
    validate_id_number,
    validate_ss_card_number,
)

TODAY = date(2024, 6, 1)
# Public sample from GB 11643-1999 explanations: 北京朝阳, born 1949-12-31, female.
SAMPLE = "11010519491231002X"


def make_id(born: str = "19900101", seq: str = "123", region: str = "140521") -> str:
    """Build a valid ID with the recursive ISO 7064 MOD 11-2 form, independent of the weights table."""
    body = region + born + seq
    p = 0
    for digit in body:
        p = ((p + int(digit)) * 2) % 11
    check = (12 - p) % 11
    return body + ("X" if check == 10 else str(check))


def wrong_check(number: str) -> str:
    """Return the number with a different, still well-formed, check character."""
    return number[:17] + ("0" if number[17] != "0" else "1")


def test_helper_agrees_with_public_sample():
    assert make_id("19491231", "002", "110105") == SAMPLE


@pytest.mark.parametrize("born", ["19900101", "20000229", "19491231", "20240601", "19000101"])
def test_valid_numbers_pass(born):
    number = make_id(born)
    assert validate_id_number(number, today=TODAY) == number


def test_check_digit_x_is_normalised_to_uppercase():
    assert validate_id_number(SAMPLE.lower()) == SAMPLE


def test_whitespace_and_full_width_input_are_normalised():
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in SAMPLE)
    assert validate_id_number(f"  {full_width}\t") == SAMPLE


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "请填写身份证号码"),
        ("   ", "请填写身份证号码"),
        ("11010519491231002", "身份证号码应为18位，现为17位"),
        ("11010519491231002X1", "身份证号码应为18位，现为19位"),
        ("110105491231002", "身份证号码应为18位（15位旧号码已停止使用）"),
        ("1101051949123100AX", "身份证号码前17位只能是数字"),
        ("110105-9491231002X", "身份证号码前17位只能是数字"),
        ("11010519491231002Y", "身份证号码最后一位只能是数字或X"),
        ("110105194902300021", "身份证号码中的出生日期19490230不是有效日期"),
        ("110105199013010021", "身份证号码中的出生日期19901301不是有效日期"),
        ("110105202406020021", "身份证号码中的出生日期2024-06-02晚于今天"),
        ("110105189912310021", "身份证号码中的出生日期1899-12-31早于1900年"),
    ],
)
def test_malformed_numbers_say_what_is_wrong(value, message):
    with pytest.raises(IdNumberError) as caught:
        validate_id_number(value, today=TODAY)
    assert str(caught.value) == message


def test_wrong_check_digit():
    with pytest.raises(IdNumberError, match="^身份证号码校验码错误"):
        validate_id_number(wrong_check(SAMPLE))


def test_error_is_a_value_error():
    assert issubclass(IdNumberError, ValueError)


def test_default_today_refuses_future_birth():
    future = date.today().replace(year=date.today().year + 1, month=1, day=1)
    with pytest.raises(IdNumberError, match="晚于今天"):
        validate_id_number(make_id(future.strftime("%Y%m%d")))


def test_mask_keeps_first_three_and_last_four():
    assert mask_id_number(SAMPLE) == "110***********002X"
    assert len(mask_id_number(SAMPLE)) == 18
    assert mask_id_number(SAMPLE.lower()) == "110***********002X"


def test_mask_short_values_and_never_raises():
    assert mask_id_number("A12345678") == "*******78"
    assert mask_id_number("12") == "**"
    assert mask_id_number("") == ""
    assert mask_id_number("garbage-value-x") == "GAR********UE-X"


def test_birth_date_and_gender():
    assert birth_date(SAMPLE) == date(1949, 12, 31)
    assert gender(SAMPLE) == "女"
    assert gender(make_id(seq="123")) == "男"
    assert gender(make_id(seq="120")) == "女"


def test_birth_date_validates_first():
    with pytest.raises(IdNumberError, match="校验码错误"):
        birth_date(wrong_check(SAMPLE))


def test_age_rises_on_the_birthday():
    number = make_id("19900615")
    assert age_on(number, date(2024, 6, 14)) == 33
    assert age_on(number, date(2024, 6, 15)) == 34
    assert age_on(number, date(1990, 6, 15)) == 0


def test_age_of_leap_day_birth():
    number = make_id("20000229")
    assert age_on(number, date(2023, 2, 28)) == 22
    assert age_on(number, date(2023, 3, 1)) == 23
    assert age_on(number, date(2024, 2, 29)) == 24


def test_age_before_birth_is_refused():
    with pytest.raises(ValueError):
        age_on(make_id("20000101"), date(1999, 12, 31))


def test_ss_card_accepts_id_style_number():
    assert validate_ss_card_number(SAMPLE.lower()) == SAMPLE


def test_ss_card_accepts_nine_character_card_number():
    assert validate_ss_card_number(" a1234567b ") == "A1234567B"
    assert validate_ss_card_number("123456789") == "123456789"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "请填写社会保障卡号或社会保障号码"),
        ("A12-45678", "社会保障卡号只能包含数字和字母"),
        ("A1234567", "应填写9位社会保障卡号或18位社会保障号码，现为8位"),
        ("110105194912310", "应填写9位社会保障卡号或18位社会保障号码，现为15位"),
    ],
)
def test_ss_card_malformed(value, message):
    with pytest.raises(SsCardNumberError) as caught:
        validate_ss_card_number(value)
    assert str(caught.value) == message


def test_ss_card_id_style_errors_name_the_social_security_number():
    with pytest.raises(SsCardNumberError, match="^社会保障号码校验码错误"):
        validate_ss_card_number(wrong_check(SAMPLE))
    with pytest.raises(IdNumberError, match="社会保障号码中的出生日期"):
        validate_ss_card_number("110105194902300021")
