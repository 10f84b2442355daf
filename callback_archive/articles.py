"""The thirty articles of 《滨海供电公司客户回访实施细则》 as data.

Every finding that cites an article goes through these functions, so a label
like "第十四条" always maps to the same number, anchor and link into docs/rules.md.
"""

from __future__ import annotations

RULES_TITLE = "滨海供电公司客户回访实施细则"
ARTICLE_COUNT = 30

_DIGITS = "一二三四五六七八九"


def _chinese_numeral(n: int) -> str:
    """1..99 in Chinese numerals as the rules write them: 十, 十四, 二十, 二十七."""
    tens, ones = divmod(n, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else _DIGITS[tens - 1]) + "十"
    if ones:
        text += _DIGITS[ones - 1]
    return text


_LABELS: dict[int, str] = {n: f"第{_chinese_numeral(n)}条" for n in range(1, ARTICLE_COUNT + 1)}
_NUMBERS: dict[str, int] = {label: n for n, label in _LABELS.items()}


def article_number(label: str) -> int:
    """Return the number of an article label: ``article_number("第十四条") == 14``."""
    try:
        return _NUMBERS[label]
    except (KeyError, TypeError):
        raise ValueError(
            f"无效的条文编号：{label!r}。细则只有第一条至第{_chinese_numeral(ARTICLE_COUNT)}条。"
        ) from None


def article_label(number: int) -> str:
    """Return the label of an article number: ``article_label(14) == "第十四条"``."""
    if not isinstance(number, int) or isinstance(number, bool) or number not in _LABELS:
        raise ValueError(
            f"无效的条文序号：{number!r}。细则只有第 1 条至第 {ARTICLE_COUNT} 条。"
        )
    return _LABELS[number]


def article_anchor(article: int | str) -> str:
    """Return the HTML id of an article on the rules page: ``"article-14"``."""
    label = article if isinstance(article, str) else article_label(article)
    return f"article-{article_number(label)}"


def article_url(article: int | str, rules_page: str = "rules.md") -> str:
    """Return a Markdown link target to an article: ``"rules.md#article-14"``.

    ``rules_page`` is the rules page relative to the page that links to it.
    """
    return f"{rules_page}#{article_anchor(article)}"
