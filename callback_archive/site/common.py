"""What every site page shares: relative links between pages, text for raw HTML, and what the public may see.

Masking rules (the repository keeps the full data for staff):

- customer names (visits, key-customer register) and letter senders: 王*华; a customer whose account is
  in the large-customer register (35 kV+, always an enterprise) keeps its company name;
- phone numbers: 138****1234 / 022-******34, also inside free text (opinions, replies, reasons …);
- letter senders' addresses: down to the district (天津市滨海新区****);
- staff named in a conduct complaint (第二十八条): 王*明; other staff (visitors, reporters, authors of
  amendments and commits) act for the company and are shown in full, as are accounts, work orders and ids,
  which are what a record is found by.
"""

from __future__ import annotations

import copy
import html
import posixpath
import re
from dataclasses import dataclass
from functools import cache

from ..engine.loader import Archive
from ..articles import article_url
from ..masking import mask_name, mask_phone
from ..render.markdown import escape_text

# A mobile (11 digits from 13x to 19x) or a landline with its area code, not inside a longer number.
_PHONE = re.compile(r"(?<![\d-])(?:1[3-9]\d(?:[- ]?\d{4}){2}|0\d{2,3}-\d{7,8}|0\d{10,11})(?![\d-])")


@cache
def rel(page: str, target: str) -> str:
    """The link from page ``page`` to ``target``, both site paths of source files (``archive/index.md``)."""
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


def article_link(article: str, page: str) -> str:
    """``[第十四条](../rules.md#article-14)`` for ``page``; a label that is not an article stays text."""
    try:
        return f"[{article}]({article_url(article, rel(page, 'rules.md'))})"
    except ValueError:
        return escape_text(article)


# What str.splitlines breaks at: text without any of these is escaped in one step (most values are).
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def h(text: object) -> str:
    """Text for raw HTML: escaped, line breaks kept as ``<br>``."""
    text = html.escape(str(text))
    return "<br>".join(text.splitlines()) if _LINE_BREAK.search(text) else text


def front_matter(*, search: bool = True, wide: bool = False) -> str:
    """The page's YAML front matter: pages with big record lists stay out of the full-text search;
    ``wide`` pages (wide tables, record blocks) leave out the navigation sidebar."""
    lines = ([] if search else ["search:", "  exclude: true"]) + (["hide:", "  - navigation"] if wide else [])
    return "---\n" + "\n".join(lines) + "\n---\n\n" if lines else ""


@dataclass(frozen=True)
class Privacy:
    """Masks personal data for the public site; built once from the archive."""

    companies: frozenset[str]  # accounts of the large-customer register: their names are shown
    names: re.Pattern | None  # register names of persons, masked wherever our own texts quote them

    @classmethod
    def of(cls, archive: Archive) -> "Privacy":
        companies = frozenset(c.account for c in archive.large_customers)
        persons = sorted({c.name for c in archive.key_customers if c.account not in companies and len(c.name) > 1},
                         key=len, reverse=True)
        names = re.compile("|".join(map(re.escape, persons))) if persons else None
        return cls(companies, names)

    def customer(self, name: str, account: str) -> str:
        return name if account in self.companies else mask_name(name)

    def text(self, text: str) -> str:
        """Free text as written, with any phone number in it masked."""
        return _PHONE.sub(lambda m: mask_phone(m[0]), text)

    def composed(self, text: str) -> str:
        """A message the tools composed: phone numbers and the register's person names masked."""
        text = self.text(text)
        return self.names.sub(lambda m: mask_name(m[0]), text) if self.names else text


def public_summary(summary: dict, privacy: Privacy) -> dict:
    """The month's summary (``reports.month_summary``) as the public may see it: page and workbook alike."""
    public = copy.deepcopy(summary)
    for opinion in public["opinions"]:
        for key in ("opinion", "follow_up"):
            if opinion[key]:
                opinion[key] = privacy.text(opinion[key])
    for letter in public["letters"]:
        letter["subject"] = privacy.text(letter["subject"])
        letter["originals"] = {k: privacy.text(v) for k, v in (letter["originals"] or {}).items()}
    for case in public["penalties"]:
        for cause in case["causes"]:
            cause["text"] = privacy.composed(cause["text"])
        if case["decision"]:
            case["decision"] = privacy.text(case["decision"])
    for referral in public["conduct"]:
        referral["staff"] = mask_name(referral["staff"])
        referral["description"] = privacy.text(referral["description"])
    return public
