"""Records on the site: one block per record with every field (masked), and the 回访档案 pages.

A year can hold 200,000 visits, so no record gets a page of its own: the visits of one unit and
month share a page (split into parts of at most ``PART_BYTES``), each record a block anchored by its
id (``#HF-20261125-0001``). A block is raw HTML escaped here, one line per field and almost no tags,
which Python-Markdown passes through cheaply; only a record's findings are Markdown (they link the
articles they cite), and the rule and article of the deadlines are told once per section. These pages
stay out of the full-text search; records are found by id, work order or account through the lookup
files ``archive/lookup/<xx>.json`` (see ``docs/assets/javascripts/lookup.js``).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..articles import article_number
from ..audit import STATUS_WORDS
from ..cases import STATE_LABELS, letter_state
from ..deadlines import Deadline
from ..findings import CODES, SEVERITY_LABELS
from ..labels import label, labels
from ..masking import mask_address, mask_name, mask_phone
from ..model import Letter, Visit
from ..reports.layout import month_text
from ..render.markdown import escape_text, link_articles
from ..schemas import load_schema
from ..schemawalk import Field as SchemaField
from ..reports.stats import CATEGORIES, CATEGORY_NAMES
from ..timeutil import format_time, parse_time
from .common import article_link, front_matter, h, rel
from .data import SiteData

LETTER_STATES = {**STATE_LABELS, "pending": "待复函", "overdue": "逾期未复函"}
PART_BYTES = 1_000_000  # Markdown per archive page: the built page stays well under 2 MB
LOOKUP_DIR = "archive/lookup"
# Plain record blocks (raw HTML, no Markdown in them) between these lines: any Markdown processor passes them
# through as raw HTML, and the MkDocs plugin hands them past Python-Markdown altogether (site/plugin.py).
RAW_OPEN, RAW_CLOSE = "<!-- ca:html -->", "<!-- /ca:html -->"
_ARTICLE_SUFFIX = re.compile(r"（第[^）]*条）$")
_TIME_KEYS = {"archived_at", "visited_at", "received_at", "replied_at", "at"}


def page_url(src: str) -> str:
    """The URL (from the site root) of an ``…/index.md`` page: ``archive/2026-11/tanggu/``."""
    return src.removesuffix("index.md")


def month_words(month: str) -> str:
    return month_text(month)


def lookup_form(page: str) -> str:
    """The search box for record ids, work orders and accounts, for an ``index.md`` page."""
    shards = rel(page, LOOKUP_DIR) + "/"
    root = rel(page, "index.md").removesuffix("index.md") or "./"
    return (f'<form class="ca-lookup" data-shards="{h(shards)}" data-root="{h(root)}" role="search">\n'
            '<label for="ca-lookup-input">回访编号、复函编号、工单号或户号</label>\n'
            '<input id="ca-lookup-input" name="q" type="search" autocomplete="off" '
            'placeholder="如 HF-20261125-0001、GD2026112500123、0212345678">\n'
            '<button type="submit" class="md-button md-button--primary">查找</button>\n'
            '<div class="ca-lookup-result" aria-live="polite"></div>\n'
            '</form>\n')


class RecordBlocks:
    """Renders visits and letters as blocks, code names in Chinese (from the schemas).

    A visit is shown from its typed record, which holds every field of the visit schema (the loader does not
    keep the parsed files of a big archive in memory); a letter, from its file, field by field, with the
    schema's titles.
    """

    def __init__(self, site: SiteData) -> None:
        self.site = site
        self.letter_schema = load_schema("letter").walk
        # Dotted field path → its title (escaped), without the article in brackets.
        self.titles = {f.path: h(_ARTICLE_SUFFIX.sub("", f.title or f.name)) for f in self.letter_schema.fields}
        self._commits: dict[str, tuple[str, str, dict[str, str]]] = {}  # sha → time, how and by whom, statuses

    # -- visits -----------------------------------------------------------------------------------

    def _visit_fields(self, visit: Visit) -> list[tuple[str, str]]:
        """Every field of the visit but its id, category and unit (in the heading), one line per topic.

        A big archive has 200,000 of these on its pages, so values that name themselves (居民客户, 0.4 千伏,
        电话) carry no label; the schema's titles are in the staff guide's field reference."""
        privacy, customer = self.site.privacy, visit.customer
        who = [h(privacy.customer(customer.name, customer.account)), f"户号 {h(customer.account)}"]
        if customer.phone:
            who.append(f"电话 {h(mask_phone(customer.phone))}")
        who.append(h(label("visit.customer.kind", customer.kind)))
        if customer.voltage_kv is not None:
            who.append(f"{customer.voltage_kv:g} 千伏")
        if customer.groups:
            who.append(h(labels("visit.customer.groups", customer.groups)))
        rows = [("客户", " · ".join(who))]
        trigger = visit.trigger
        if trigger is not None:
            disaster = f" · 自然灾害 {h(trigger.disaster)}" if trigger.disaster else ""
            rows.append(("工单", f"{h(trigger.order)} · {h(label('visit.trigger.kind', trigger.kind))} · "
                                f"归档 {format_time(trigger.archived_at)}{disaster}"))
        outcome = [format_time(visit.visited_at), h(label("visit.method", visit.method)), h(visit.visitor),
                   "联系上" if visit.reached else "未联系上"]
        if visit.satisfaction:
            outcome.append(h(label("visit.satisfaction", visit.satisfaction)))
        rows += [("回访", " · ".join(outcome)), ("回访内容", h(labels("visit.topics", visit.topics)))]
        if visit.round:
            rows.append(("连心卡轮次", h(visit.round)))
        if visit.opinion:
            rows.append(("客户意见", h(privacy.text(visit.opinion))))
        if visit.follow_up:
            rows.append(("整改措施", h(privacy.text(visit.follow_up))))
        if visit.conduct:
            rows.append(("文明服务投诉", f"被投诉人员 {h(mask_name(visit.conduct.get('staff', '')))} · "
                                         f"{h(privacy.text(visit.conduct.get('description', '')))}"))
        rows += [("更正", f"{format_time(a.at)} {h(a.by)}：{h(privacy.text(a.reason))}（{h('、'.join(a.fields))}）")
                 for a in visit.amendments]
        if visit.void:
            rows.append(("作废", f"{format_time(visit.void.at)} {h(visit.void.by)}：{h(privacy.text(visit.void.reason))}"))
        return rows

    # -- letters: field by field from the file ------------------------------------------------------

    def _value(self, path: str, field: SchemaField | None, value: Any, item: bool = False) -> str:
        """One field's value (``item``: one item of its list) as HTML: masked where personal, code names in
        Chinese, times in Beijing time."""
        sub = {} if field is None else (field.items or {}) if item else field.schema
        if path == "sender.name":
            return h(mask_name(value))
        if path.endswith("phone"):
            return h(mask_phone(value))
        if path == "sender.address":
            return h(mask_address(value))
        if path in ("unit", "forwarded_by"):
            return h(self.site.unit_name(value))
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, dict):
            children = field.children if field is not None else {}
            keys = [k for k in children if k in value] + [k for k in value if k not in children]
            return " · ".join(f"{self._title(children.get(k), k)} {self._value(f'{path}.{k}', children.get(k), value[k])}"
                              for k in keys)
        if isinstance(value, list):
            joiner = "；" if field is not None and (field.items or {}).get("type") == "object" else "、"
            return joiner.join(self._value(path, field, v, item=True) for v in value)
        if "enum" in sub:
            return h(label(f"letter.{path}", str(value)))
        if isinstance(value, (int, float)):
            return f"{value:g}"
        text = str(value)
        if path.rpartition(".")[2] in _TIME_KEYS and len(text) > 10:
            try:
                return format_time(parse_time(text))
            except ValueError:
                pass
        return h(self.site.privacy.text(text))

    def _letter_fields(self, letter: Letter) -> list[tuple[str, str]]:
        """Every field of the letter's file but its id, kind and unit (in the heading)."""
        data, fields = letter.source.data, self.letter_schema.root.children
        keys = [k for k in fields if k in data and k not in ("id", "kind", "unit")] + [k for k in data if k not in fields]
        return [(self._title(fields.get(k), k), self._value(k, fields.get(k), data[k])) for k in keys]

    def _title(self, field: SchemaField | None, key: str) -> str:
        return self.titles[field.path] if field is not None else h(key)

    # -- what the tools say about the record ----------------------------------------------------

    def _history(self, path: str) -> str | None:
        history = self.site.history
        if history is None:
            return None
        parts = []
        for commit in history.commits_of(path):
            known = self._commits.get(commit.sha)
            if known is None:
                via = (f"合并请求 #{commit.pull_request}" if commit.pull_request
                       else "合并提交" if commit.is_merge else "直接提交")
                statuses = {p: s for s, p in reversed(commit.changes)}  # a path's first status in the commit
                known = self._commits[commit.sha] = (format_time(commit.time), f"（{via}，{commit.author}）", statuses)
            time, via, statuses = known
            status = statuses.get(path, "M")
            parts.append(f"{time} {STATUS_WORDS.get(status, status)}{via}")
        return "；".join(parts) or "尚未合并到 main"

    def _findings(self, path: str, page: str) -> list[str]:
        rules = rel(page, "rules.md")
        lines = []
        for item in self.site.findings.get(path, []):
            spec = CODES.get(item.code)
            title = escape_text(spec.title if spec else item.code)
            article = f"（{article_link(item.article, page)}）" if item.article else ""
            message = link_articles(escape_text(self.site.privacy.composed(item.message)), rules)
            lines.append(f"- **{SEVERITY_LABELS[item.severity]}** {title}{article}：{message}")
        return lines

    def _visit_state(self, visit: Visit) -> tuple[str, str, Deadline | None]:
        """(css state, label, the deadline of the visit's work order or None)."""
        if visit.void is not None:
            return "void", "已作废", None
        entry = self.site.case_of.get(visit.id)
        if entry is None:
            return ("done", "已回访", None) if visit.reached else ("failed", "未联系上", None)
        case, number = entry
        state = case.state(self.site.as_of, self.site.archive.policy)
        if not visit.reached:
            css, text = "failed", f"未联系上（第 {number} 次尝试）"
        elif case.reached is not visit:
            css, text = "done", "已回访（再次联系）"
        else:
            css, text = state, STATE_LABELS[state]
        return css, text, case.deadline

    def deadline_of(self, visit: Visit) -> Deadline | None:
        """The deadline of the visit's work order, if any article sets one."""
        entry = self.site.case_of.get(visit.id)
        return entry[0].deadline if entry else None

    def _deadline_text(self, deadline: Deadline, case_state: str | None, rule: bool) -> str:
        """The deadline; its rule and article are told once per section on the archive pages (``rule`` False)."""
        why = f"（{deadline.rule}）" if rule else ""
        case = f"；该工单：{STATE_LABELS[case_state]}" if case_state else ""
        return h(f"{deadline.due_text}{why}{deadline.provisional_note()}{case}")

    # -- blocks ---------------------------------------------------------------------------------

    def _block(self, anchor: str, state: str, head: str, fields: list[tuple[str, str]], path: str,
               page: str) -> str:
        """A record as raw HTML with as few tags as possible (Python-Markdown's cost grows with them): one line
        per field, broken by CSS; the state colours the block. Only a record with findings carries Markdown,
        for the links to the articles they cite."""
        lines = [f'<a href="#{h(anchor)}">{h(anchor)}</a> {head}'] + [f"{name}：{value}" for name, value in fields]
        lines.append(f"文件：{h(path)}")
        history = self._history(path)
        if history is not None:
            lines.append(f"档案历史：{h(history)}")
        findings = self._findings(path, page)
        if not findings:
            return f'<div class="ca-rec ca-{state}" id="{h(anchor)}">' + "\n".join(lines) + "</div>\n"
        return (f'<div class="ca-rec ca-md ca-{state}" id="{h(anchor)}" markdown="1">\n<p>' + "\n".join(lines)
                + "</p>\n\n" + "\n".join(findings) + "\n\n</div>\n")

    def visit(self, visit: Visit, page: str, anchor: str) -> str:
        css, state, deadline = self._visit_state(visit)
        head = " · ".join([h(label("visit.category", visit.category)), h(self.site.unit_name(visit.unit)), h(state)])
        fields = self._visit_fields(visit)
        if deadline is not None:
            case, _ = self.site.case_of[visit.id]
            case_state = None if visit.reached else case.state(self.site.as_of, self.site.archive.policy)
            fields.append(("时限", self._deadline_text(deadline, case_state, rule=False)))
        return self._block(anchor, css, head, fields, visit.source.path, page)

    def letter(self, letter: Letter, page: str, anchor: str) -> str:
        deadline = self.site.archive.rules.for_letter(letter)
        state = "void" if letter.void is not None else letter_state(letter, deadline, self.site.as_of)
        text = "已作废" if state == "void" else LETTER_STATES[state]
        head = " · ".join([h(label("letter.kind", letter.kind)), h(self.site.unit_name(letter.unit)), h(text)])
        fields = self._letter_fields(letter)
        if deadline is not None:
            fields.append(("复函时限", self._deadline_text(deadline, None, rule=True)))
        return self._block(anchor, state, head, fields, letter.source.path, page)


def raw_regions(blocks: list[str]) -> list[str]:
    """The blocks with each run of plain HTML ones wrapped in ``RAW_OPEN``/``RAW_CLOSE``; a block carrying Markdown
    (a record's findings) stays outside, for Python-Markdown to render its links."""
    out: list[str] = []
    run: list[str] = []
    for block in blocks:
        if 'markdown="1"' in block[:200]:
            if run:
                out.append(f"{RAW_OPEN}\n" + "\n".join(run) + f"{RAW_CLOSE}\n")
                run = []
            out.append(block)
        else:
            run.append(block)
    if run:
        out.append(f"{RAW_OPEN}\n" + "\n".join(run) + f"{RAW_CLOSE}\n")
    return out


class Anchors:
    """Unique anchors per page: a duplicated id (an error the validator reports) gets ``-2``, ``-3`` …"""

    def __init__(self) -> None:
        self.used: dict[str, set[str]] = defaultdict(set)

    def take(self, page: str, record: str) -> str:
        anchor, n = record, 1
        while anchor in self.used[page]:
            n += 1
            anchor = f"{record}-{n}"
        self.used[page].add(anchor)
        return anchor


# -- the 回访档案 pages ------------------------------------------------------------------------------


def all_visits(archive) -> list[Visit]:
    """Every visit the site shows: the voided ones too, marked as such."""
    return archive.visits + [r for r in archive.voided if isinstance(r, Visit)]


def all_letters(archive) -> list[Letter]:
    return archive.letters + [r for r in archive.voided if isinstance(r, Letter)]


def _visit_month(visit: Visit) -> str:
    """The archive month: the trigger's archive time, else the visit's (the folder rule)."""
    return f"{visit.start:%Y-%m}"


def _sort_key(visit: Visit) -> tuple:
    category = CATEGORIES.index(visit.category) if visit.category in CATEGORIES else len(CATEGORIES)
    return (category, visit.trigger.order if visit.trigger else "", visit.visited_at, visit.id)


def _unit_page(month: str, unit: str, part: int) -> str:
    return f"archive/{month}/{unit}/index.md" if part == 1 else f"archive/{month}/{unit}/{part}/index.md"


def archive_pages(site: SiteData, blocks: RecordBlocks, anchors: Anchors) -> dict[str, str]:
    """回访档案: the index, one overview per month, and the unit-month pages with every record.

    Fills ``site.places`` (record id → page) for the other pages and the lookup files."""
    groups: dict[tuple[str, str], list[Visit]] = defaultdict(list)
    for visit in all_visits(site.archive):
        groups[(_visit_month(visit), visit.unit)].append(visit)
    units = list(site.archive.units) + sorted({u for _, u in groups} - set(site.archive.units))
    months = sorted({m for m, _ in groups}, reverse=True)
    pages: dict[str, str] = {}
    starts: dict[tuple[str, str], dict[str, str]] = {}  # (month, unit) → category → page where it starts
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for (month, unit), visits in groups.items():
        visits.sort(key=_sort_key)
        parts, starts[(month, unit)] = _unit_month(site, blocks, anchors, month, unit, visits)
        counts[(month, unit)] = defaultdict(int)
        for visit in visits:
            counts[(month, unit)][visit.category] += 1
        pages.update(parts)
    for month in months:
        pages[f"archive/{month}/index.md"] = _month_overview(site, month, units, counts, starts)
    pages["archive/index.md"] = _archive_index(site, months, units, counts)
    return pages


@dataclass
class _Section:
    """The records of one category on one part of a unit-month page, and the rules of their deadlines."""

    category: str
    blocks: list[str] = field(default_factory=list)
    rules: set[tuple[str, str]] = field(default_factory=set)  # (article, rule) of the deadlines


def _unit_month(site: SiteData, blocks: RecordBlocks, anchors: Anchors, month: str, unit: str,
                visits: list[Visit]) -> tuple[dict[str, str], dict[str, str]]:
    """The unit-month's records split into parts; returns the pages and where each category starts."""
    parts: list[list[_Section]] = [[]]
    size = 0
    counts: dict[str, int] = defaultdict(int)
    for visit in visits:
        counts[visit.category] += 1
    for visit in visits:
        if size > PART_BYTES:
            parts.append([])
            size = 0
        if not parts[-1] or parts[-1][-1].category != visit.category:
            parts[-1].append(_Section(visit.category))
        page = _unit_page(month, unit, len(parts))
        site.places.setdefault(visit.id, page)
        block = blocks.visit(visit, page, anchors.take(page, visit.id))
        section = parts[-1][-1]
        section.blocks.append(block)
        deadline = blocks.deadline_of(visit)
        if deadline is not None:
            section.rules.add((deadline.article, deadline.rule))
        size += len(block.encode("utf-8"))
    starts: dict[str, str] = {}
    for number, sections in enumerate(parts, 1):
        for section in sections:
            starts.setdefault(section.category, _unit_page(month, unit, number))
    pages = {}
    for number, sections in enumerate(parts, 1):
        page = _unit_page(month, unit, number)
        title = f"{site.unit_name(unit)} {month_words(month)} 回访档案" + (f"（第 {number} 页）" if len(parts) > 1 else "")
        links = " · ".join(
            f"[{escape_text(CATEGORY_NAMES.get(c, c))} {counts[c]}]"
            f"({'' if starts[c] == page else rel(page, starts[c])}#{c})" for c in starts)
        nav = ""
        if len(parts) > 1:
            nav = "页：" + " · ".join(f"**{n}**" if n == number else f"[{n}]({rel(page, _unit_page(month, unit, n))})"
                                     for n in range(1, len(parts) + 1)) + "\n\n"
        body = []
        for section in sections:
            name = escape_text(CATEGORY_NAMES.get(section.category, label("visit.category", section.category)))
            more = "续" if starts[section.category] != page else f"{counts[section.category]} 条"
            body.append(f"## {name}（{more}） {{#{section.category}}}\n")
            if section.rules:
                rules = sorted(section.rules, key=lambda r: (article_number(r[0]), r[1]))
                body.append("时限：" + "；".join(f"{escape_text(rule)}（{article_link(article, page)}）"
                                               for article, rule in rules) + "。\n")
            body += raw_regions(section.blocks)
        pages[page] = (
            f"{front_matter(search=False, wide=True)}# {escape_text(title)}\n\n"
            f"[回访档案]({rel(page, 'archive/index.md')}) › [{month_words(month)}]"
            f"({rel(page, f'archive/{month}/index.md')}) · 共 {len(visits)} 条：{links}\n\n{nav}"
            "客户姓名、电话已脱敏；每条记录的编号是它的固定链接。\n\n" + "\n".join(body))
    return pages, starts


def _month_overview(site: SiteData, month: str, units: list[str], counts: dict[tuple[str, str], dict[str, int]],
                    starts: dict[tuple[str, str], dict[str, str]]) -> str:
    page = f"archive/{month}/index.md"
    present = [c for c in CATEGORIES if any(counts.get((month, u), {}).get(c) for u in units)]
    present += sorted({c for u in units for c in counts.get((month, u), {})} - set(present))
    lines = [front_matter(wide=True) + f"# {month_words(month)} 回访档案", "",
             f"[回访档案]({rel(page, 'archive/index.md')}) · 按触发业务的归档月份归档（没有触发业务的按回访月份）。"
             "点击数字打开该单位本月的记录。", ""]
    year, number = (int(x) for x in month.split("-"))
    if (year, number) in site.summaries:
        lines += [f"本月统计见[{month_words(month)}月报]({rel(page, f'reports/{month}/index.md')})。", ""]
    lines += ["| 单位 | " + " | ".join(escape_text(CATEGORY_NAMES.get(c, c)) for c in present) + " | 合计 |",
              "| --- |" + " ---: |" * (len(present) + 1)]
    for unit in units:
        row = counts.get((month, unit))
        if not row:
            continue
        where = starts[(month, unit)]
        cells = [f"[{row[c]}]({rel(page, where[c])}#{c})" if row.get(c) else "—" for c in present]
        total = f"[{sum(row.values())}]({rel(page, _unit_page(month, unit, 1))})"
        lines.append(f"| {escape_text(site.unit_name(unit))} | " + " | ".join(cells) + f" | {total} |")
    return "\n".join(lines) + "\n"


def _archive_index(site: SiteData, months: list[str], units: list[str],
                   counts: dict[tuple[str, str], dict[str, int]]) -> str:
    page = "archive/index.md"
    used = [u for u in units if any((m, u) in counts for m in months)]
    lines = [front_matter(wide=True) + "# 回访档案", "",
             "每一次回访（包括没有联系上客户的尝试）都在这里，按月份和单位归档，每条记录显示全部字段，编号就是它的链接。"
             "客户姓名和电话已脱敏（王\\*华、138\\*\\*\\*\\*1234），完整内容在仓库中，供工作人员查阅。"
             f"复函记录见[函复]({rel(page, 'letters/index.md')})。", "",
             "## 查找记录", "", "输入完整的编号、工单号或户号，列出对应的记录。", "", lookup_form(page)]
    lines += ["## 按月份和单位", ""]
    if not months:
        lines.append("档案中还没有回访记录。")
    else:
        lines += ["| 月份 | " + " | ".join(escape_text(site.unit_name(u)) for u in used) + " | 合计 |",
                  "| --- |" + " ---: |" * (len(used) + 1)]
        for month in months:
            cells = [f"[{sum(counts[(month, u)].values())}]({rel(page, _unit_page(month, u, 1))})"
                     if (month, u) in counts else "—" for u in used]
            total = sum(sum(counts[(month, u)].values()) for u in used if (month, u) in counts)
            lines.append(f"| [{month_words(month)}]({rel(page, f'archive/{month}/index.md')}) | "
                         + " | ".join(cells) + f" | {total} |")
    invalid = sorted({f.file for items in site.findings.values() for f in items
                      if f.severity == "error" and f.file.startswith(("records/visits/", "records/letters/"))})
    if invalid:
        lines += ["", "## 有错误、暂未显示的文件", "",
                  f"以下 {len(invalid)} 个文件有错误（运行 `scripts/validate.py` 查看），改正前可能没有显示在本站："]
        lines += [""] + [f"- `{path}`" for path in invalid[:100]]
        if len(invalid) > 100:
            lines.append(f"- ……另有 {len(invalid) - 100} 个")
    if site.history is None:
        lines += ["", "!!! note \"未找到 Git 历史\"", "",
                  "    构建网站的档案目录不是完整的 Git 仓库，记录不显示档案历史（合并时间、作者）。"]
    return "\n".join(lines) + "\n"


# -- lookup ------------------------------------------------------------------------------------------


def shard(key: str) -> str:
    """The lookup file of a key: its last two characters (the same rule as lookup.js)."""
    return _shard_of_tail(key[-2:])


@cache
def _shard_of_tail(tail: str) -> str:
    return tail if len(tail) == 2 and tail.isascii() and tail.isalnum() and tail == tail.upper() else "__"


def lookup_files(site: SiteData) -> dict[str, str]:
    """``archive/lookup/<xx>.json``: key (id, work order, account; upper case) → [record, page, what]."""
    page_ids: dict[str, int] = {}
    pages: list[list[str]] = []
    shards: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    places = site.places

    def add(key: str, record: str, place: str, what: str) -> None:
        number = page_ids.get(place)
        if number is None:
            number = page_ids[place] = len(pages)
            pages.append([page_url(place), _page_label(site, place)])
        key = key.upper()
        shards[_shard_of_tail(key[-2:])][key].append([record, number, what])

    whats: dict[str, str] = {}
    for visit in all_visits(site.archive):
        place = places.get(visit.id)
        if place is None:
            continue
        what = whats.get(visit.category)
        if what is None:
            what = whats[visit.category] = label("visit.category", visit.category)
        add(visit.id, visit.id, place, what)
        if visit.trigger:
            add(visit.trigger.order, visit.id, place, what)
        add(visit.customer.account, visit.id, place, what)
    for letter in all_letters(site.archive):
        place = places.get(letter.id)
        if place is not None:
            add(letter.id, letter.id, place, "复函")
    files = {}
    for name, keys in shards.items():
        used = sorted({entry[1] for entries in keys.values() for entry in entries})
        local = {index: n for n, index in enumerate(used)}
        data = {"pages": [pages[i] for i in used],
                "keys": {k: [[r, local[p], w] for r, p, w in v] for k, v in sorted(keys.items())}}
        files[f"{LOOKUP_DIR}/{name}.json"] = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return files


def _page_label(site: SiteData, page: str) -> str:
    parts = page.split("/")
    if parts[0] == "archive":
        suffix = f"（第 {parts[3]} 页）" if len(parts) > 4 else ""
        return f"{site.unit_name(parts[2])} {month_words(parts[1])}{suffix}"
    return f"函复 {month_words(parts[1])}"
