"""Masking of customers' personal data for the website: names as 王*华, phones as 138****1234."""

from __future__ import annotations

import re


def mask_name(name: str) -> str:
    """Keep the first and last character of a name of three or more (王*华), the first of two (王*)."""
    name = name.strip()
    if len(name) >= 3:
        return f"{name[0]}*{name[-1]}"
    if len(name) == 2:
        return f"{name[0]}*"
    return "*" if name else ""


def _area_code(phone: str, digits: str) -> str:
    """The area code of a landline: written before a hyphen, else 3 digits for 01x/02x and 4 for 0xxx."""
    head = phone.split("-", 1)[0]
    if "-" in phone and head.startswith("0"):
        return head
    if digits.startswith("0") and len(digits) > 4:
        return digits[:3] if digits[1] in "12" else digits[:4]
    return ""


def mask_phone(phone: str) -> str:
    """A mobile as 138****1234; a landline keeps its area code and last two digits (022-******34)."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    area = _area_code(phone.strip(), digits)
    local = digits[len(area):]
    shown = local[-2:] if len(local) > 2 else ""
    masked = "*" * (len(local) - len(shown)) + shown
    return f"{area}-{masked}" if area else masked


def mask_address(address: str) -> str:
    """Keep the start of an address down to its district (天津市滨海新区****), at most 8 characters."""
    address = address.strip()
    if not address:
        return ""
    marks = [i + 1 for i, char in enumerate(address[:8]) if char in "区县镇" and i >= 2]
    keep = marks[-1] if marks else min(len(address) // 3, 6)
    return address[:keep] + "****"
