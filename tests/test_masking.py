"""Masking of customers' names and phone numbers for the website."""

from __future__ import annotations

import pytest

from callback_archive.masking import mask_name, mask_phone


@pytest.mark.parametrize("name, masked", [
    ("王建华", "王*华"),
    ("欧阳明华", "欧*华"),
    ("王五", "王*"),
    ("王", "*"),
    (" 王建华 ", "王*华"),
    ("", ""),
])
def test_mask_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize("phone, masked", [
    ("13800001234", "138****1234"),
    ("138-0000-1234", "138****1234"),
    ("022-25801234", "022-******34"),
    ("02225801234", "022-******34"),
    ("010-62345678", "010-******78"),
    ("0317-1234567", "0317-*****67"),
    ("03171234567", "0317-*****67"),
    ("25801234", "******34"),
    ("95598", "***98"),
])
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


def test_masked_phones_keep_no_more_than_the_allowed_digits():
    for phone in ("13912345678", "022-25801234", "25801234"):
        masked = mask_phone(phone)
        assert sum(c.isdigit() for c in masked) <= 7 and phone not in masked
