"""The monthly report as a Markdown page for the archive site (MkDocs Material), and the 月报 index.

Every text that comes from a record goes through ``escape_text`` and shows literally; every
article mentioned in our own text links to its anchor on the rules page.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from ..articles import article_url
from ..labels import label
from ..masking import mask_name
from ..reports.summary import Summary, read_summary
from ..reports.layout import (
    AMOUNT, ARTICLE, CATEGORY_ARTICLES, CAUSES, CODE, COUNT, PERSON, RATE, Table, card_rounds_table,
    OPEN_MONTH_NOTE, PROVISIONAL_NOTE, RATE_DEFINITIONS, category_table, conduct_table, counting_note, large_customers_table,
    late_arrivals_table, letters_table, month_text, submissions_table, head_total, open_month_note, opinions_table, penalties_table, report_title, unit_rows,
    unit_table,
)

_MARKDOWN_ACTIVE = set("\\`*_{}[]|#")
_LEADING_BLOCK = re.compile(r"^([-+]|\d+\.)(?=\s|$)")
_ARTICLE = re.compile(r"第([一二三四五六七八九十]+)((?:[至、][一二三四五六七八九十]+)*)条")
_NUMBERS = (COUNT, RATE, AMOUNT)


def escape_text(text: str) -> str:
    """Show ``text`` literally in Markdown, also inside a table cell: HTML escaped, Markdown markers
    backslash-escaped (``{}`` too, against attr_list), line breaks as ``<br>``."""
    escaped = html.escape(text, quote=False)
    escaped = "".join("\\" + c if c in _MARKDOWN_ACTIVE else c for c in escaped)
    escaped = _LEADING_BLOCK.sub(lambda m: m[1][:-1] + "\\" + m[1][-1], escaped)
    return "<br>".join(escaped.splitlines())


def code(text: str) -> str:
    """A code span that survives backticks in ``text``."""
    if not text:
        return ""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def link_articles(markdown: str, rules_page: str) -> str:
    """Link every article mention (第二十条, 第二十一至二十三条 → the first one) in our own, escaped text."""
    def link(match: re.Match) -> str:
        try:
            url = article_url(f"第{match[1]}条", rules_page)
        except ValueError:
            return match[0]
        return f"[{match[0]}]({url})"

    return _ARTICLE.sub(link, markdown)


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.2%}"


def _amount(value: int | str) -> str:
    return escape_text(value) if isinstance(value, str) else f"{value:,}"


def _cell(kind: str, value: Any, rules_page: str) -> str:
    if value is None:
        return "—"
    if kind == CODE:
        return code(value)
    if kind == CAUSES:
        return "<br>".join(f"{escape_text(text)} {code(file)}" for text, file in value)
    if kind == RATE:
        return _percent(value)
    if kind in (COUNT, AMOUNT):
        return _amount(value)
    if kind == PERSON:
        return escape_text(mask_name(value))
    if kind == ARTICLE:
        return link_articles(escape_text(value), rules_page)
    return escape_text(str(value))


def render_table(table: Table, rules_page: str, skip_empty: bool = False) -> str:
    """A Markdown table; stations and roll-ups indented, totals in bold. ``skip_empty`` drops rows with no counts."""
    lines = ["| " + " | ".join(escape_text(c.header) for c in table.columns) + " |",
             "| " + " | ".join("---:" if c.kind in _NUMBERS else "---" for c in table.columns) + " |"]
    for values, style in zip(table.rows, table.styles):
        counts = [v for c, v in zip(table.columns, values) if c.kind == COUNT]
        if skip_empty and style != "total" and not any(counts):
            continue
        cells = [_cell(c.kind, v, rules_page) for c, v in zip(table.columns, values)]
        if style in ("station", "rollup"):
            cells[0] = "&emsp;" + cells[0]
        if style == "total":
            cells = [f"**{c}**" if c else c for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _submitted(summary: Summary) -> str:
    """How many units have submitted the month's figures (第十九、二十条), of how many."""
    done = sum(u.submission.state in ("on-time", "late") for u in summary.units)
    return f"{done} / {len(summary.units)}"


def _kpi_table(summary: Summary) -> str:
    company = summary.company
    totals, timed, penalties = company.totals, company.timed, company.penalties
    provisional = penalties.provisional_amounts
    rows = [
        ("有时限应回访（含应复函）", timed.total), ("其中已完成", timed.done),
        ("其中按时", timed.on_time), ("其中超时", timed.late), ("其中逾期/缺失", timed.overdue),
        ("其中无法联系", timed.unreachable), ("其中待回访（未到时限，不计入按时率）", timed.pending),
        ("按时率（有时限）", _percent(timed.on_time_rate)),
        ("细则未规定时限的回访", company.untimed.total),
        ("大电力客户走访座谈", company.categories["large-customer"].total),
        ("连心卡", company.categories["card"].total),
        ("满意 / 基本满意 / 不满意", f"{totals.satisfied} / {totals.basic} / {totals.dissatisfied}"),
        ("满意率", _percent(totals.satisfaction_rate)),
        ("满意及基本满意率", _percent(totals.satisfied_or_basic_rate)),
        ("回访的重点客户（户）", company.key_customers),
        ("按暂定工作日计算时限的项目", company.provisional),
        ("考核案例（不含暂定）", penalties.cases), ("部门考核金额（元）", _amount(penalties.unit_amount)),
        ("主管领导考核金额（元）", _amount(head_total(penalties))),
        ("责任人考核金额（元）", _amount(penalties.person_amount)),
        ("暂定考核案例（不计入合计）", penalties.provisional),
        ("暂定部门考核金额（元，不计入合计）", _amount(provisional.unit_amount)),
        ("已上报单位", _submitted(summary)),
    ]
    return "\n".join(["| 指标 | 全公司 |", "| --- | ---: |"] + [f"| {name} | {value} |" for name, value in rows])


def _topics_table(summary: Summary) -> str:
    topics = sorted(summary.company.topics.items(), key=lambda item: (-item[1], item[0]))
    if not topics:
        return "本月没有记录回访内容。"
    lines = ["| 回访内容 | 次数 |", "| --- | ---: |"]
    return "\n".join(lines + [f"| {escape_text(label('visit.topics', code_))} | {n} |" for code_, n in topics])


def _key_customers(summary: Summary) -> str:
    rows = [r for r in unit_rows(summary) if r.style in ("unit", "station") and r.figures.key_customers]
    text = f"本月联系上的重点客户共 {summary.company.key_customers} 户（同一户多次回访计一户）。"
    if not rows:
        return text
    lines = ["| 单位 | 重点客户（户） |", "| --- | ---: |"]
    return text + "\n\n" + "\n".join(lines + [f"| {escape_text(r.name)} | {r.figures.key_customers} |" for r in rows])


def _category_body(summary: Summary, category: str, rules_page: str) -> str:
    table = category_table(summary, category)
    if not any(table.rows[-1][1:]):  # the company row has nothing
        return "本月没有此类记录。"
    return render_table(table, rules_page, skip_empty=True)


def _opinions_body(summary: Summary, rules_page: str, dissatisfied_only: bool) -> str:
    opinions = summary.opinions
    if not opinions:
        return "本月没有记录客户意见。"
    dissatisfied = sum(o.satisfaction == "dissatisfied" for o in opinions)
    if dissatisfied_only:
        shown = replace(summary, opinions=[o for o in opinions if o.satisfaction == "dissatisfied"])
        table = render_table(opinions_table(shown), rules_page) if dissatisfied else "本月没有不满意的客户。"
        return (f"共 {len(opinions)} 条，其中不满意 {dissatisfied} 条，列在下面；全部意见见 Excel 月报的“客户意见”表。"
                "\n\n" + table)
    return (f"共 {len(opinions)} 条，其中不满意 {dissatisfied} 条，排在前面。\n\n"
            + render_table(opinions_table(summary), rules_page))


def render_month(data: Summary | dict, *, xlsx_name: str | None = None, rules_page: str = "../rules.md",
                 dissatisfied_only: bool = False) -> str:
    """The month's report page, from ``reports.month_summary``; ``rules_page`` is relative to this page.
    ``dissatisfied_only`` lists only the dissatisfied customers' opinions (a big month's page stays small;
    the workbook has them all)."""
    summary = read_summary(data)

    def ours(text: str) -> str:
        return link_articles(escape_text(text), rules_page)

    def table_or(table: Table, empty: str) -> str:
        return render_table(table, rules_page) if table.rows else empty

    def section(title: str, *blocks: str, level: int = 2) -> str:
        return f"{'#' * level} {ours(title)}\n\n" + "\n\n".join(blocks) + "\n"

    warning = open_month_note(summary)
    parts = [f"# {escape_text(report_title(summary))}\n",
             *([f'!!! warning "{OPEN_MONTH_NOTE}"\n\n    {ours(warning.partition("：")[2])}\n'] if warning else []),
             ours(f"统计截至 {summary.as_of}；上报时限 {summary.report_due}（第二十条：每月5日16:00前，节假日不顺延）。")
             + "\n"]
    if xlsx_name:
        parts.append(f"[下载 Excel 月报（{escape_text(xlsx_name)}）]({quote(xlsx_name)}){{: download }}\n")
    parts += [
        "**统计口径**：" + ours(summary.statistics_rule) + "\n",
        section("全公司指标", _kpi_table(summary), "\n".join(f"- {ours(text)}" for text in RATE_DEFINITIONS)),
        section("各单位汇总", render_table(unit_table(summary), rules_page), ours(
            "“（含下属供电所）”行是分公司本部与所属供电所之和，全公司合计不重复计入；"
            "考核金额为扣罚责任部门的金额（第二十五至二十七条），主管领导和责任人的金额见“考核”一节。")),
        section("月度上报核对（第十九、二十条）", render_table(submissions_table(summary), rules_page), ours(
            "上报应回访取自各单位的上报文件（营销部为全公司汇总），与档案现在的数字并列；上报之后才合并到 main 的记录另列，"
            "不算上报不一致。")),
        section("回访内容（第七条）", _topics_table(summary)),
        section("分类统计（第十三条）", ours("按细则第十三条的分类设档统计；没有记录的单位不列出。")),
    ]
    for category, name in summary.category_names.items():
        article = CATEGORY_ARTICLES.get(category)
        parts.append(section(f"{name}（{article}）" if article else name, _category_body(summary, category, rules_page),
                             level=3))
    parts += [
        section("重点客户函复明细（第十六条）", table_or(letters_table(summary), "本月没有计入的来函。"),
                ours("来函及回函原件单独存档一年（第十六条）。")),
        section("大电力客户走访座谈计划进度（第十七条）",
                table_or(large_customers_table(summary), "本月没有计划中的走访座谈，也没有逾期未完成的。")),
        section("连心卡", table_or(card_rounds_table(summary), "本月没有连心卡发放回收。"),
                ours("每次抽样量为当月非居民客户的10%和居民客户的1%，全过程一个月内完成（第十七条）。")),
        section("重点客户（第五条）", _key_customers(summary)),
        section("客户意见及整改（第二十一至二十三条）", _opinions_body(summary, rules_page, dissatisfied_only)),
        section("考核（第二十四至二十七条）", ours(counting_note(summary)),
                table_or(penalties_table(summary), "本月没有考核案例。"),
                ours("主管领导金额“视情节”的（第二十五、二十六条），营销部决定前按区间显示；决定写在 ")
                + code(f"records/decisions/{summary.month}.yaml") + "。"),
        section("暂定考核案例（不计入合计）", ours(PROVISIONAL_NOTE),
                table_or(penalties_table(summary, provisional=True), "本月没有暂定考核案例。"), level=3),
        section("已结月案例的迟到记录", ours("已结月（过了上报时限）的案例，其条款和金额不再改变；之后才到的记录列在到达的月份，"
                                         "不对同一事由重复考核。"),
                table_or(late_arrivals_table(summary), "本月没有迟到记录。"), level=3),
        section("文明服务投诉移交（第二十八条）",
                table_or(conduct_table(summary), "本月回访中没有客户反映违反文明服务行为规范的情况。"),
                ours("按《关于印发滨海供电公司行风、优质服务考核管理办法(试行)等制度的通知》（津电滨监察[2007]3号）"
                     "的相关规定考核（第二十八条），本页不计算金额。")),
    ]
    return "\n".join(parts)


def render_index(data: list[Summary | dict], *, rules_page: str = "../rules.md",
                 month_page: str = "{month}/index.md") -> str:
    """The 月报 index: every month, newest first, with its key figures; ``month_page`` links a month
    (``{month}`` is YYYY-MM), ``rules_page`` is relative to the index."""
    lines = ["# 月报", "", link_articles(
        "每月的客户回访统计，按细则第二十条以规定的归档时间为准、以月为单位汇总，每月5日16:00前上报。"
        "点击月份查看各单位明细、客户意见和考核。", rules_page), ""]
    if not data:
        return "\n".join(lines + ["还没有月报。"]) + "\n"
    lines += ["| 月份 | 有时限应回访 | 已完成 | 按时率 | 满意率 | 逾期/缺失 | 不满意 | 考核案例 | 部门考核金额（元） "
              "| 已上报单位 |", "| --- |" + " ---: |" * 9]
    for summary in sorted(map(read_summary, data), key=lambda s: s.month, reverse=True):
        totals, penalties = summary.company.timed, summary.company.penalties
        link = quote(month_page.format(month=summary.month))
        name = month_text(summary.month) + ("（未结月）" if not summary.closed else "")
        cells = [f"[{escape_text(name)}]({link})", totals.total, totals.done,
                 _percent(totals.on_time_rate), _percent(summary.company.totals.satisfaction_rate),
                 totals.overdue,
                 summary.company.totals.dissatisfied, penalties.cases, _amount(penalties.unit_amount), _submitted(summary)]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    lines += ["", link_articles(escape_text(RATE_DEFINITIONS[0]), rules_page), "",
              f"“未结月”的月份还没到上报时限，{OPEN_MONTH_NOTE}；考核案例和金额不含暂定案例。"]
    return "\n".join(lines) + "\n"
