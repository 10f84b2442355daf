"""The home dashboard and the charts page."""

from __future__ import annotations

from pathlib import PurePosixPath

from ..duelist import due_items
from ..render.markdown import escape_text, link_articles
from ..reports.layout import OPEN_MONTH_NOTE, RATE_DEFINITIONS, SUBMISSION_LABELS
from ..reports.stats import CATEGORY_NAMES
from ..reports.summary import Summary
from ..submissions import months_due
from ..timeutil import format_time
from .charts import count_chart, rate_chart
from .common import article_link, h, rel
from .data import SiteData
from .records import lookup_form, month_words

DUE_ROWS = 50  # the dashboard lists this many open items; the rest are counted
DUE_WORKDAYS = 3


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"


def _months(site: SiteData) -> list[str]:
    return [f"{y}-{m:02d}" for y, m in sorted(site.summaries)]


def unit_series(site: SiteData, key: str, group: str = "totals") -> dict[str, list[float | None]]:
    """A rate (``on_time_rate``, ``satisfaction_rate``) of a group of categories (``timed``: 第十四至十六条,
    ``totals``: all) per unit (its own records) and the company, per month."""
    summaries = [site.summaries[m] for m in sorted(site.summaries)]
    series: dict[str, list[float | None]] = {}
    for unit in site.archive.units.values():
        line = [getattr(getattr(next(u for u in s.units if u.id == unit.id).own, group), key) for s in summaries]
        if any(v is not None for v in line):
            series[unit.name] = line
    series["全公司"] = [getattr(getattr(s.company, group), key) for s in summaries]
    return series


def category_series(site: SiteData) -> dict[str, list[int]]:
    """Completed callbacks (and replies) per archive category (第十三条), company-wide, per month."""
    summaries = [site.summaries[m] for m in sorted(site.summaries)]
    return {name: [s.company.categories[c].done for s in summaries] for c, name in CATEGORY_NAMES.items()}


def charts_page(site: SiteData) -> str:
    page = "reports/charts.md"
    rules = rel(page, "rules.md")
    months = [month_words(m) for m in _months(site)]
    return "\n\n".join([
        "# 图表",
        link_articles(escape_text(
            "按月统计（第二十条的统计口径，与月报相同），按时率只计有时限的回访和复函（第十四至十六条）。"
            + "".join(RATE_DEFINITIONS[:2]) + "各单位只计本单位的记录，分公司不含下属供电所。"), rules)
        + f"每月的数字见[月报]({rel(page, 'reports/index.md')})。图表在构建网站时生成，不需要联网。",
        rate_chart("各单位按时率（有时限的回访和复函，按月）", months, unit_series(site, "on_time_rate", "timed")),
        rate_chart("各单位满意率（按月）", months, unit_series(site, "satisfaction_rate")),
        count_chart("各分类已完成的回访和复函（全公司，按月）", months, category_series(site)),
    ]) + "\n"


def _kpis(summary: Summary) -> str:
    totals, timed = summary.company.totals, summary.company.timed
    cards = [("有时限应回访（含应复函）", timed.total), ("已完成", timed.done),
             ("按时率", _percent(timed.on_time_rate)), ("满意率", _percent(totals.satisfaction_rate)),
             ("逾期/缺失", timed.overdue), ("待回访（未到时限）", timed.pending), ("不满意", totals.dissatisfied)]
    items = "".join(f'<div class="ca-kpi"><span class="ca-kpi-value">{h(value)}</span>'
                    f'<span class="ca-kpi-name">{h(name)}</span></div>' for name, value in cards)
    return f'<div class="ca-kpis">{items}</div>\n'


def _submissions(site: SiteData, page: str) -> list[str]:
    """The next monthly statistics due (第二十条), who has not submitted them, and months still missing."""
    rules = site.archive.rules
    year, month = site.as_of.year, site.as_of.month
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    target = previous if rules.monthly_report_due(*previous) > site.as_of else (year, month)
    due = rules.monthly_report_due(*target)
    key = f"{target[0]}-{target[1]:02d}"
    lines = [f"下一次上报时限：**{format_time(due)}**，上报{month_words(key)}的统计"
             f"（{article_link('第二十条', page)}：每月5日16:00前，节假日不顺延）。", ""]
    summary = site.summaries.get(target)
    if summary is None:
        lines.append(f"{month_words(key)}还没有需要统计的记录。")
    else:
        waiting = [u for u in summary.units if u.submission.state in ("pending", "missing")]
        done = [u for u in summary.units if u not in waiting]
        lines.append("尚未上报：" + ("、".join(escape_text(u.name) for u in waiting) if waiting else "无，全部已上报。")
                     + (f"（已上报 {len(done)} 个单位）" if done else ""))
        if waiting:
            lines += ["", "| 单位 | 统计上报责任人 | 状态 |", "| --- | --- | --- |"]
            lines += [f"| {escape_text(u.name)} | {escape_text(u.reporter)} | "
                      f"{SUBMISSION_LABELS.get(u.submission.state, u.submission.state)} |" for u in waiting]
    late = [(m, u.name) for m in months_due(site.at) if m != target and m in site.summaries
            for u in site.summaries[m].units if u.submission.state == "missing"]
    if late:
        lines += ["", f"逾期未上报（{article_link('第二十七条', page)}）："
                  + "；".join(f"{month_words(f'{y}-{m:02d}')} {escape_text(name)}" for (y, m), name in late)]
    return lines


def _due(site: SiteData, page: str) -> list[str]:
    items = due_items(site.at, DUE_WORKDAYS)
    if not items:
        return ["没有逾期或即将到期的回访和复函。"]
    overdue = sum(i.state == "overdue" for i in items)
    lines = [f"逾期 {overdue} 项，{DUE_WORKDAYS} 个工作日内到期 {len(items) - overdue} 项（先列逾期和时限最早的）。", "",
             "| 时限 | 单位 | 事项 | 说明 |", "| --- | --- | --- | --- |"]
    ordered = sorted(items, key=lambda i: (i.state != "overdue", i.deadline.due, i.reference))
    for item in ordered[:DUE_ROWS]:
        link = site.record_link(PurePosixPath(item.file).stem, page)
        reference = f"[{escape_text(item.reference)}]({link})" if link else escape_text(item.reference)
        state = "**逾期** " if item.state == "overdue" else ""
        lines.append(f"| {state}{escape_text(item.deadline.due_text)}（{article_link(item.deadline.article, page)}） | "
                     f"{escape_text(site.unit_name(item.unit))} | {item.what} {reference} | "
                     f"{escape_text(site.privacy.text(item.detail))} |")
    if len(items) > DUE_ROWS:
        lines += ["", f"另有 {len(items) - DUE_ROWS} 项未列出：运行 `scripts/due.py` 查看全部。"]
    return lines


def dashboard(site: SiteData) -> str:
    """首页: this month's figures, the next submission and who owes it, what is overdue, charts, lookup."""
    page = "index.md"
    lines = ["# 滨海供电公司客户回访档案", "",
             f"统计截至 **{format_time(site.as_of)}**（北京时间）。本站在每次构建时由仓库中的记录生成；客户姓名和电话已脱敏，"
             f"完整记录在仓库中。[关于本站]({rel(page, 'about.md')})", ""]
    if not site.usable:
        return "\n".join(lines + ["!!! warning \"无法统计\"", "",
                                  "    policy.yaml 缺失或有误：请运行 `scripts/validate.py` 查看问题。"]) + "\n"
    current = (site.as_of.year, site.as_of.month)
    shown = current if current in site.summaries else max((m for m in site.summaries if m <= current), default=None)
    if shown is None:
        lines += ["## 本月概况", "", "档案中还没有可统计的记录。", ""]
    else:
        key = f"{shown[0]}-{shown[1]:02d}"
        title = "本月概况" if shown == current else "最近一个月"
        unclosed = "" if site.summaries[shown].closed else f"{OPEN_MONTH_NOTE}。"
        lines += [f"## {title}（{month_words(key)}）", "", _kpis(site.summaries[shown]),
                  escape_text(unclosed + RATE_DEFINITIONS[0]), "",
                  f"[{month_words(key)}月报]({rel(page, f'reports/{key}/index.md')}) · "
                  f"[全部月报]({rel(page, 'reports/index.md')}) · [图表]({rel(page, 'reports/charts.md')})", ""]
        lines += ["## 月度统计上报", "", *_submissions(site, page), ""]
    lines += [f"## 逾期与即将到期（{DUE_WORKDAYS} 个工作日内）", "", *_due(site, page), ""]
    if site.summaries:
        months = [month_words(m) for m in _months(site)]
        lines += ["## 趋势", "", rate_chart("各单位按时率（有时限的回访和复函，按月）", months,
                                          unit_series(site, "on_time_rate", "timed")),
                  count_chart("各分类已完成的回访和复函（全公司，按月）", months, category_series(site)), ""]
    lines += ["## 查找记录", "", "输入完整的回访编号、复函编号、工单号或户号：", "", lookup_form(page)]
    return "\n".join(lines) + "\n"
