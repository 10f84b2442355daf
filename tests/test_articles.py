"""Tests for callback_archive.articles and its agreement with docs/rules.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from callback_archive.articles import (
    ARTICLE_COUNT,
    article_anchor,
    article_label,
    article_number,
    article_url,
)

RULES_PAGE = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


@pytest.mark.parametrize(
    ("label", "number"),
    [
        ("第一条", 1),
        ("第九条", 9),
        ("第十条", 10),
        ("第十一条", 11),
        ("第十四条", 14),
        ("第十九条", 19),
        ("第二十条", 20),
        ("第二十一条", 21),
        ("第二十七条", 27),
        ("第三十条", 30),
    ],
)
def test_label_and_number_convert_both_ways(label: str, number: int) -> None:
    assert article_number(label) == number
    assert article_label(number) == label


def test_every_article_round_trips() -> None:
    labels = [article_label(n) for n in range(1, ARTICLE_COUNT + 1)]
    assert len(set(labels)) == ARTICLE_COUNT == 30
    assert [article_number(label) for label in labels] == list(range(1, 31))


@pytest.mark.parametrize(
    "label", ["第三十一条", "第零条", "第14条", "十四条", "第十四", "第十四条 ", "第一章", "", "第二十十条"]
)
def test_article_number_rejects_labels_outside_the_rules(label: str) -> None:
    with pytest.raises(ValueError, match="第一条至第三十条"):
        article_number(label)


@pytest.mark.parametrize("number", [0, 31, -1, True])
def test_article_label_rejects_numbers_outside_the_rules(number: int) -> None:
    with pytest.raises(ValueError, match="无效的条文序号"):
        article_label(number)


def test_anchor_accepts_number_or_label() -> None:
    assert article_anchor(14) == article_anchor("第十四条") == "article-14"
    with pytest.raises(ValueError):
        article_anchor("第三十一条")
    with pytest.raises(ValueError):
        article_anchor(31)


def test_url_points_into_the_rules_page() -> None:
    assert article_url("第十四条") == "rules.md#article-14"
    assert article_url(3, rules_page="../rules.md") == "../rules.md#article-3"


def test_rules_page_has_one_heading_per_article_in_order() -> None:
    text = RULES_PAGE.read_text(encoding="utf-8")
    headings = re.findall(r"^### (\S+) \{#(article-\d+)\}$", text, flags=re.MULTILINE)
    expected = [(article_label(n), article_anchor(n)) for n in range(1, ARTICLE_COUNT + 1)]
    assert headings == expected


def test_rules_page_has_eight_chapters() -> None:
    text = RULES_PAGE.read_text(encoding="utf-8")
    chapters = re.findall(r"^## (第\S+章):\S+ \{#chapter-(\d)\}$", text, flags=re.MULTILINE)
    assert [int(n) for _, n in chapters] == list(range(1, 9))


def test_rules_page_keeps_sentences_whole() -> None:
    """The seed text broke these sentences across lines; the page must not."""
    text = RULES_PAGE.read_text(encoding="utf-8")
    for phrase in ("行风坐标热线", "电话回访工作", "书信投诉等重点客户有复函要求", "上报市客服中心"):
        assert phrase in text


def test_every_article_cited_by_a_finding_exists() -> None:
    from callback_archive.findings import CODES

    cited = {code.article for code in CODES.values() if code.article is not None}
    assert cited
    for label in cited:
        article_number(label)  # raises ValueError for a label that is not an article
