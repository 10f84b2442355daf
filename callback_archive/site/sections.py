"""The site's other sections: 月报, 函复, 大客户, 连心卡, 考核, 审计 and the validation results."""

from __future__ import annotations

import gc
import math
import os
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import Future, ProcessPoolExecutor

from ..audit import audit_pages
from ..cases import letter_state
from ..obligations import plan_progress
from ..findings import CODES, SEVERITY_LABELS
from ..labels import label
from ..model import Letter
from ..reports.layout import PROVISIONAL_NOTE, counting_note, head_total, penalties_table
from ..render.markdown import code, escape_text, link_articles, render_index, render_month, render_table
from ..render.xlsx import render_workbook
from .common import article_link, front_matter, rel
from .data import SiteData
from .records import LETTER_STATES, Anchors, RecordBlocks, all_letters, month_words, raw_regions

ORIGINALS = {"incoming": "来函", "reply": "回函"}
OTHER_ROWS = 500  # findings outside records listed on the results page; the rest are counted


def _key(month: tuple[int, int]) -> str:
    return f"{month[0]}-{month[1]:02d}"


def workbook_path(month: tuple[int, int]) -> str:
    key = _key(month)
    return f"reports/{key}/月报-{key}.xlsx"


def _start_worker(parent: int) -> None:
    """In the worker: its collector on, and an end of its own once ``parent`` is gone. A parent stopped alone
    (``kill -INT``, a CI timeout) leaves the worker waiting on a queue it holds both ends of, and holding the
    parent's output pipes: whoever reads them would wait for ever."""
    gc.enable()

    def follow_parent() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=follow_parent, daemon=True).start()


def worker_pool() -> ProcessPoolExecutor:
    """One worker process, a copy of this one, whose collector may wait (see ``start_workbooks``)."""
    return ProcessPoolExecutor(max_workers=1, initializer=_start_worker, initargs=(os.getpid(),))


def start_workbooks(site: SiteData) -> dict[str, Future]:
    """Every month's workbook, made by one worker process while this one writes the pages: a big year's
    twelve workbooks take as long as all the pages. The summaries are sent to the worker (a few MB each)."""
    if not site.summaries:
        return {}
    pool = worker_pool()
    try:
        return {workbook_path(month): pool.submit(render_workbook, summary) for month, summary in site.summaries.items()}
    finally:
        pool.shutdown(wait=False)  # the submitted workbooks are still made; the worker ends after the last


def report_pages(site: SiteData, archive_pages: set[str]) -> dict[str, str]:
    """月报: the index and one page per month, linking its workbook (``start_workbooks``); from the masked summaries."""
    pages: dict[str, str] = {}
    for month, summary in site.summaries.items():
        key = _key(month)
        page = f"reports/{key}/index.md"
        xlsx = workbook_path(month).rpartition("/")[2]
        related = [f"[图表]({rel(page, 'reports/charts.md')})"]
        if f"archive/{key}/index.md" in archive_pages:
            related.insert(0, f"[{month_words(key)}的回访档案]({rel(page, f'archive/{key}/index.md')})")
        report = render_month(summary, xlsx_name=xlsx, rules_page=rel(page, "rules.md"), dissatisfied_only=True)
        report = site.link_records(report, page)
        pages[page] = front_matter(wide=True) + report + "\n## 相关页面\n\n" + " · ".join(related) + "\n"
    index = render_index(list(site.summaries.values()), rules_page="../rules.md", month_page="{month}/index.md")
    pages["reports/index.md"] = index + "\n各单位按时率、满意率和各分类回访量的走势见[图表](charts.md)。\n"
    return pages


# -- 函复 ------------------------------------------------------------------------------------------


def _letter_row(site: SiteData, letter: Letter, page: str, link: str) -> str:
    deadline = site.archive.rules.for_letter(letter)
    state = "已作废" if letter.void else LETTER_STATES[letter_state(letter, deadline, site.as_of)]
    originals = "；".join(f"{ORIGINALS.get(k, k)}：{v}" for k, v in letter.originals.items())
    group = label("letter.sender.group", letter.sender_group)
    return (f"| [{escape_text(letter.id)}]({link}) | {escape_text(site.unit_name(letter.unit))} | "
            f"{escape_text(label('letter.kind', letter.kind))} | {escape_text(group)} | "
            f"{letter.received_at:%Y-%m-%d} | {escape_text(deadline.due_text) if deadline else '不要求复函'} | "
            f"{f'{letter.replied_at:%Y-%m-%d}' if letter.replied_at else '—'} | {state} | "
            f"{escape_text(site.privacy.text(originals)) or '—'} |")


_LETTER_HEADER = ["| 编号 | 单位 | 类型 | 来函人类别 | 收函日期 | 复函时限 | 复函日期 | 状态 | 原件存放 |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]


def letters_pages(site: SiteData, blocks: RecordBlocks, anchors: Anchors) -> dict[str, str]:
    """函复 (第十六条): the open letters and every month at a glance, then one page per month of receipt
    with each letter's due date, state and where the originals are kept, and the letters in full."""
    index = "letters/index.md"
    by_month: dict[str, list] = defaultdict(list)
    for letter in sorted(all_letters(site.archive), key=lambda x: (x.received_at, x.id), reverse=True):
        by_month[f"{letter.received_at:%Y-%m}"].append(letter)
    pages = {}
    for month, letters in by_month.items():
        page = f"letters/{month}/index.md"
        lines = [front_matter(search=False, wide=True) + f"# {month_words(month)}收函", "",
                 f"[函复]({rel(page, index)}) · 共 {len(letters)} 封。来函人姓名、电话和地址已脱敏。", "", *_LETTER_HEADER]
        anchored = [(letter, anchors.take(page, letter.id)) for letter in letters]
        lines += [_letter_row(site, letter, page, f"#{anchor}") for letter, anchor in anchored]
        lines.append("")
        for letter, anchor in anchored:
            site.places.setdefault(letter.id, page)
        lines += raw_regions([blocks.letter(letter, page, anchor) for letter, anchor in anchored])
        pages[page] = "\n".join(lines) + "\n"
    lines = [front_matter(wide=True) + "# 函复", "", link_articles(escape_text(
        "人大代表、政协委员、新闻媒体等重点客户的来函由营销部函复：投诉 5 个工作日、举报 10 个工作日内复函并建立档案；"
        "来函及回函原件单独存档一年（第十六条）。每月的来函逐封列出时限、状态和原件存放位置。"), rel(index, "rules.md")), ""]
    if not by_month:
        pages[index] = "\n".join(lines + ["档案中还没有复函记录。"]) + "\n"
        return pages
    waiting = [x for month in by_month.values() for x in month
               if not x.void and letter_state(x, site.archive.rules.for_letter(x), site.as_of) in ("pending", "overdue")]
    lines += ["## 待复函", ""]
    if waiting:
        lines += _LETTER_HEADER + [_letter_row(site, x, index, site.record_link(x.id, index)) for x in waiting]
    else:
        lines.append("没有待复函的来函。")
    lines += ["", "## 各月来函", "", "| 收函月份 | 来函 | 要求复函 | 按时复函 | 超时复函 | 待复函 | 逾期未复函 |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for month, letters in by_month.items():
        states = Counter(letter_state(x, site.archive.rules.for_letter(x), site.as_of) for x in letters if not x.void)
        required = sum(n for state, n in states.items() if state != "not-required")
        lines.append(f"| [{month_words(month)}]({rel(index, f'letters/{month}/index.md')}) | {len(letters)} | {required} | "
                     f"{states['on-time']} | {states['late']} | {states['pending']} | {states['overdue']} |")
    pages[index] = "\n".join(lines) + "\n"
    return pages


# -- 大客户 -----------------------------------------------------------------------------------------


def large_customers_page(site: SiteData) -> str:
    """大客户: the 35 kV+ register and each year's visit and symposium plan with its progress (第十七条)."""
    page = "large-customers.md"
    archive = site.archive
    visits = defaultdict(list)
    for visit in archive.visits:
        if visit.category == "large-customer" and visit.reached and visit.void is None:
            visits[(visit.customer.account, visit.visited_at.year)].append(visit)
    lines = [front_matter(wide=True) + "# 大电力客户", "", link_articles(escape_text(
        "35 千伏及以上的大电力客户由营销部每年走访或座谈，年度计划在上一年 12 月 31 日前做出，覆盖名册中的每一户（第十七条）。"
        "大电力客户都是企业，名称不脱敏。"), rel(page, "rules.md")), "",
        f"## 名册（{len(archive.large_customers)} 户）", ""]
    if archive.large_customers:
        lines += ["| 户号 | 客户名称 | 电压（千伏） | 责任单位 |", "| --- | --- | ---: | --- |"]
        lines += [f"| {c.account} | {escape_text(c.name)} | {f'{c.voltage_kv:g}' if c.voltage_kv else '—'} | "
                  f"{escape_text(site.unit_name(c.unit))} |" for c in archive.large_customers]
    else:
        lines.append("名册 `records/large-customers.yaml` 中还没有客户。")
    names = {c.account: c.name for c in archive.large_customers}
    states = {"done": "已完成", "planned": "计划中", "overdue": "**逾期**"}
    for year in sorted(archive.plans, reverse=True):
        plan = archive.plans[year]
        progress = plan_progress(site.at, plan)
        done = sum(state == "done" for state in progress.values())
        lines += ["", f"## {year} 年走访座谈计划", "",
                  f"{plan.made_at} 由 {escape_text(plan.made_by)} 制定，共 {len(plan.entries)} 户，已完成 {done} 户。", "",
                  "| 计划月份 | 户号 | 客户名称 | 方式 | 进度 | 记录 |", "| ---: | --- | --- | --- | --- | --- |"]
        for entry in sorted(plan.entries, key=lambda e: (e.month, e.account)):
            records = "、".join(f"[{v.id}]({site.record_link(v.id, page)})" for v in visits[(entry.account, year)]
                               if v.id in site.places) or "—"
            name, method = names.get(entry.account, entry.account), label("visit.method", entry.method)
            lines.append(f"| {entry.month}月 | {entry.account} | {escape_text(name)} | {escape_text(method)} | "
                         f"{states[progress[entry.account]]} | {records} |")
    if not archive.plans:
        lines += ["", "还没有年度计划（`records/plans/<年>.yaml`）。"]
    return "\n".join(lines) + "\n"


# -- 连心卡 -----------------------------------------------------------------------------------------


def cards_page(site: SiteData) -> str:
    """连心卡: every round (第十七条) against its required sample, duration and the cards registered."""
    page = "cards.md"
    archive = site.archive
    rule = archive.policy.card_rounds
    returned = Counter(v.round for v in archive.visits if v.round and v.void is None)
    reached = defaultdict(list)
    for visit in archive.visits:
        if visit.round and visit.reached and visit.void is None:
            reached[visit.round].append(visit)
    lines = [front_matter(wide=True) + "# 连心卡", "", link_articles(escape_text(
        f"每次发放量不少于当月非居民客户的 {rule.ratio['non-residential']:.0%}、居民客户的 {rule.ratio['residential']:.0%}"
        f"（向上取整），全过程一个月内完成，每年至少 {rule.per_year} 次；每张回收的卡登记为一条回访记录（第十七条）。"),
        rel(page, "rules.md")), ""]
    rounds = sorted(archive.rounds.values(), key=lambda r: r.id, reverse=True)
    if not rounds:
        return "\n".join(lines + ["还没有连心卡轮次（`records/rounds/`）。"]) + "\n"
    groups = {"residential": "居民", "non-residential": "非居民"}
    lines += ["每类客户依次为：当月客户数 / 应发（按比例向上取整）/ 发放 / 回收。", "",
              "| 轮次 | 月份 | 期间 | " + " | ".join(f"{g}客户" for g in groups.values()) + " | 登记的回访 | 满意率 |",
              "| --- | --- | --- |" + " ---: |" * len(groups) + " ---: | ---: |"]
    for r in rounds:
        cells = []
        for group in groups:
            needed = math.ceil(r.customers.get(group, 0) * rule.ratio[group])
            sent = r.sent.get(group, 0)
            flag = "" if sent >= needed else " **不足**"
            cells.append(f"{r.customers.get(group, 0)} / {needed} / {sent}{flag} / {r.returned.get(group, 0)}")
        answered = [v for v in reached[r.id] if v.satisfaction]
        rate = f"{sum(v.satisfaction == 'satisfied' for v in answered) / len(answered):.1%}" if answered else "—"
        month = f"{r.year}-{r.month:02d}"
        records = str(returned[r.id])
        if returned[r.id] and any(v.id in site.places and f"{v.start:%Y-%m}" == month for v in reached[r.id]):
            records = f"[{returned[r.id]}]({rel(page, f'archive/{month}/index.md')})"
        lines.append(f"| {escape_text(r.id)} | {month_words(month)} | {r.started_at} 至 {r.finished_at} | "
                     + " | ".join(cells) + f" | {records} | {rate} |")
    per_year = Counter(r.year for r in rounds)
    lines += ["", "## 每年轮次", ""]
    lines += [f"- {year} 年：{n} 次" + ("" if n >= rule.per_year else f"（少于 {rule.per_year} 次）")
              for year, n in sorted(per_year.items(), reverse=True)]
    return "\n".join(lines) + "\n"


# -- 考核 -------------------------------------------------------------------------------------------


def penalties_pages(site: SiteData) -> dict[str, str]:
    """考核 (第二十四至二十七条): every month's totals, and a page per month with each case and its causes."""
    index = "penalties/index.md"
    summaries = [site.summaries[m] for m in sorted(site.summaries, reverse=True)]
    lines = [front_matter(wide=True) + "# 考核", "", link_articles(escape_text(
        "未建立健全回访档案（第二十五条）、未在时限内完成回访（第二十六条）、未按时上报（第二十七条）的考核案例，每个案例列出原因"
        "（记录、工单或上报文件）。主管领导金额“视情节”的，营销部决定前按区间显示；决定只确定主管领导的金额（0 元或区间内），"
        "责任部门金额和第二十七条的金额是固定的。案例编号由责任单位和触发事项（工单、来函、客户和年份、上报月份）组成，不随条款改变；"
        "统计截止（次月 5 日 16:00，第二十条）一过，该月的案例、条款和金额不再改变，之后到达的记录在到达的月份列为迟到记录，不重复考核。"),
        rel(index, "rules.md")) + f"详见[执行口径]({rel(index, 'interpretation.md')}#stable-cases)。"]
    if not summaries:
        return {index: "\n".join(lines + ["", "还没有考核案例。"]) + "\n"}
    lines += ["", link_articles(escape_text(counting_note(summaries[0])), rel(index, "rules.md")), "",
              "| 月份 | 案例 | 主管领导免于扣罚 | 部门金额（元） | 主管领导金额（元） | 责任人金额（元） | 暂定案例（不计入合计） |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    pages = {}
    for s in summaries:
        month, totals = s.month, s.company.penalties
        page = f"penalties/{month}.md"
        lines.append(f"| [{month_words(month)}]({rel(index, page)}){'（未结月）' if not s.closed else ''} | "
                     f"{totals.cases} | {totals.waived} | {totals.unit_amount:,} | {escape_text(str(head_total(totals)))} | "
                     f"{totals.person_amount:,} | {totals.provisional} |")
        table = penalties_table(s)
        body = render_table(table, rel(page, "rules.md")) if table.rows else "本月没有考核案例。"
        provisional = penalties_table(s, provisional=True)
        if provisional.rows:
            body += ("\n\n## 暂定考核案例（不计入合计）\n\n" + link_articles(escape_text(PROVISIONAL_NOTE), rel(page, "rules.md"))
                     + "\n\n" + render_table(provisional, rel(page, "rules.md")))
        pages[page] = (front_matter(search=False, wide=True) + f"# {month_words(month)}考核\n\n"
                       f"[考核]({rel(page, index)}) · [{month_words(month)}月报]({rel(page, f'reports/{month}/index.md')}) · "
                       f"决定文件 {code(f'records/decisions/{month}.yaml')}\n\n"
                       + link_articles(escape_text(counting_note(s)), rel(page, "rules.md")) + "\n\n"
                       + site.link_records(body, page) + "\n")
    pages[index] = "\n".join(lines) + "\n"
    return pages


# -- 审计 -------------------------------------------------------------------------------------------


def audit_site_pages(site: SiteData) -> dict[str, str]:
    """审计: the audit views from Git (``audit.audit_pages``) and the validation results."""
    pages = audit_pages(site.at)
    for path in pages:
        if path != "audit/index.md":
            pages[path] = front_matter(search=False, wide=True) + site.link_records(pages[path], path)
    pages["audit/index.md"] += "\n另见：[校验结果](checks.md)（按类别统计的校验信息，以及不属于某条记录的问题）。\n"
    pages["audit/checks.md"] = checks_page(site)
    return pages


def checks_page(site: SiteData) -> str:
    """校验结果: the findings of this build by code; those of records are shown on the records themselves."""
    page = "audit/checks.md"
    findings = [f for items in site.findings.values() for f in items]
    errors = sum(f.severity == "error" for f in findings)
    lines = ["# 校验结果", "",
             f"按 {site.as_of:%Y-%m-%d %H:%M} 校验整个档案：{errors} 个错误，{len(findings) - errors} 个警告。"
             "回访和复函记录的问题显示在该记录下方；每个代码的含义和处理方法见"
             f"[校验信息一览]({rel(page, 'codes.md')})。", ""]
    if not findings:
        return "\n".join(lines + ["没有发现问题。"]) + "\n"
    by_code = Counter((f.code, f.severity) for f in findings)
    lines += ["| 代码 | 含义 | 条款 | 级别 | 数量 |", "| --- | --- | --- | --- | ---: |"]
    for (code_, severity), n in sorted(by_code.items(), key=lambda item: (item[0][1] != "error", -item[1], item[0][0])):
        spec = CODES.get(code_)
        article = article_link(spec.article, page) if spec and spec.article else "—"
        lines.append(f"| `{code_}` | {escape_text(spec.title if spec else code_)} | {article} | "
                     f"{SEVERITY_LABELS[severity]} | {n} |")
    others = [f for f in findings if f.record is None or f.record not in site.places]
    if others:
        lines += ["", "## 不属于某条记录的问题", "", "| 文件 | 行 | 级别 | 条款 | 说明 |", "| --- | ---: | --- | --- | --- |"]
        for f in sorted(others, key=lambda f: f.sort_key)[:OTHER_ROWS]:
            article = article_link(f.article, page) if f.article else "—"
            message = link_articles(escape_text(site.privacy.composed(f.message)), rel(page, "rules.md"))
            lines.append(f"| {code(f.file)} | {f.line or ''} | {SEVERITY_LABELS[f.severity]} | {article} | {message} |")
        if len(others) > OTHER_ROWS:
            lines += ["", f"另有 {len(others) - OTHER_ROWS} 条未列出：运行 `scripts/validate.py` 查看全部。"]
    return "\n".join(lines) + "\n"
