"""The monthly report page (report_markdown): record texts shown literally, article links, tables, index."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from callback_archive.archive import ArchiveAt, open_archive
from callback_archive.engine.loader import load_archive
from callback_archive.render.markdown import escape_text, render_index, render_month
from callback_archive.reports.monthly import month_summary
from callback_archive.timeutil import parse_time
from conftest import add_visit
from report_fixture import HOSTILE_FOLLOW_UP, HOSTILE_OPINION, HOSTILE_SUBJECT, STAFF, fixture_summary, sample_summary


class Page(HTMLParser):
    """Tags, attributes, table rows and text of a rendered page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.rows: list[list[str]] = []
        self.text: list[str] = []
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def row(self, first: str, cells: int | None = None) -> list[str]:
        """The first table row starting with ``first`` (and of ``cells`` cells if given)."""
        return next(r for r in self.rows if r and r[0] == first and cells in (None, len(r)))

    def hrefs(self) -> list[str]:
        return [attrs["href"] for tag, attrs in self.tags if tag == "a" and attrs.get("href")]


def to_html(text: str) -> str:
    return markdown.markdown(text, extensions=["tables", "attr_list"])


@pytest.fixture
def summary(archive: Path) -> dict:
    return fixture_summary(archive)


@pytest.fixture
def page(summary: dict) -> Page:
    return Page(to_html(render_month(summary, xlsx_name="2026-11.xlsx")))


def test_hostile_record_texts_render_as_literal_text(page):
    assert {tag for tag, _ in page.tags}.isdisjoint({"script", "img", "b"})
    assert [tag for tag, _ in page.tags].count("h1") == 1
    assert not any(name.startswith("on") for _, attrs in page.tags for name in attrs)
    assert not any(href.lower().startswith("javascript") for href in page.hrefs())
    opinion = page.row("HF-20261126-0002", cells=7)
    assert opinion[4] == HOSTILE_OPINION and opinion[5] == HOSTILE_FOLLOW_UP
    assert page.row("FH-20261102-0001")[4] == HOSTILE_SUBJECT  # the | did not split the cell


def test_escape_text_covers_html_markdown_and_line_starts():
    assert escape_text("<script>&") == "&lt;script&gt;&amp;"
    assert escape_text("a|b [x](y) *z* _w_ `c` {: k } #") == r"a\|b \[x\](y) \*z\* \_w\_ \`c\` \{: k \} \#"
    assert escape_text("- 条目") == r"\- 条目" and escape_text("1. 条目") == r"1\. 条目"
    assert escape_text("第一行\n第二行") == "第一行<br>第二行"
    for text in ["# 标题", "- 列表", "1. 列表", "> 引用", "**粗**", "a\\*b", "<!-- x -->"]:
        assert Page(to_html(escape_text(text))).text == [text]


def test_download_link_only_when_named(summary, page):
    assert any(tag == "a" and attrs.get("href") == "2026-11.xlsx" and "download" in attrs for tag, attrs in page.tags)
    assert ".xlsx" not in render_month(summary)


def test_every_article_mention_links_to_the_rules_page(summary):
    text = render_month(summary, rules_page="../rules.md")
    hrefs = Page(to_html(text)).hrefs()
    for anchor in (7, 13, 14, 15, 16, 17, 20, 21, 24, 25, 26, 28):
        assert f"../rules.md#article-{anchor}" in hrefs
    unlinked = re.findall(r"(?<!\[)第[一二三四五六七八九十]+(?:[至、][一二三四五六七八九十]+)*条(?!\])", text)
    assert unlinked == []
    assert "rules/#article-20" in render_month(summary, rules_page="rules/")


def test_tables_show_units_by_name_with_rollup_and_company(page, summary):
    header = next(r for r in page.rows if r and r[0] == "单位" and "上报状态" in r)
    assert header == ["单位", "有时限应回访", "已完成", "按时", "超时", "逾期/缺失", "无法联系", "待回访（未到时限）",
                      "按时率", "无时限回访", "大客户走访座谈", "连心卡", "满意", "基本满意", "不满意", "满意率",
                      "重点客户", "上报状态", "考核金额", "暂定考核金额（不计入合计）"]
    company = next(r for r in page.rows if r and r[0] == "全公司" and len(r) == len(header))
    assert company[3] == str(summary["company"]["timed"]["on_time"]) and company[8] == "40.00%"  # 2 ÷ (2 + 3 late + 0 overdue)
    assert company[9] == str(summary["company"]["untimed"]["total"]) == "1"  # the complaint no article times
    assert "&emsp;塘沽供电分公司（含下属供电所）" in render_month(summary)
    assert any(r[0] == "塘沽供电分公司（含下属供电所）" for r in page.rows if r)
    assert "tanggu" not in [r[0] for r in page.rows if r]


def test_penalties_with_causes_range_decision_and_counting_note(page, summary):
    undecided = page.row("tanggu-GD202611200001")
    assert undecided[1] == "第二十六条" and undecided[7] == "200–500（视情节，待定）"
    assert undecided[6] == "赵*刚"  # the head named beside the amount (masked on the page)
    assert "records/visits/tanggu/2026/11/HF-20261121-0001.yaml" in undecided[4]
    assert page.row("tanggu-GD202611200002")[7] == "300"
    assert page.row("tanggu-GD202611200003")[7] == "0（免于扣罚）"
    assert page.row("合计（不含暂定案例）")[5] == "3,000"  # a waiver spares the head, never the unit
    assert "考核计数口径：按案例" in "".join(page.text)
    assert ("code", {}) in page.tags
    assert "按月" in render_month({**summary, "penalty_counting": "per-month"})


def test_conduct_referral_masks_the_staff_name(page):
    row = page.row("HF-20261126-0002", cells=6)
    assert row[3] == "王*明" and STAFF not in "".join(page.text)
    assert row[4] == "态度<script>x</script>"


def test_empty_sections_say_so(summary):
    text = render_month({**summary, "conduct": [], "penalties": [], "opinions": [], "card_rounds": []})
    assert "本月没有考核案例。" in text and "本月没有记录客户意见。" in text and "本月没有连心卡发放回收。" in text


def test_index_lists_months_newest_first_with_key_figures(summary):
    october = sample_summary()
    page = Page(to_html(render_index([october, summary])))
    months = [r[0] for r in page.rows[1:]]
    assert months == ["2026年11月（未结月）", "2026年10月"]
    assert page.hrefs()[-2:] == ["2026-11/index.md", "2026-10/index.md"]
    assert "](2026-10.md)" in render_index([october], month_page="{month}.md")
    assert page.rows[1][1] == str(summary["company"]["timed"]["total"]) and page.rows[1][3] == "40.00%"
    assert "按时率 = 按时 ÷（按时 + 超时 + 逾期未完成）" in "".join(page.text)
    assert "../rules.md#article-20" in page.hrefs()
    assert "还没有月报" in render_index([])


def test_sample_archive_october_page():
    summary = sample_summary()
    page = Page(to_html(render_month(summary, xlsx_name="2026-10.xlsx")))
    first_cells = [r[0] for r in page.rows if r]
    for unit in summary["units"]:
        assert unit["name"] in first_cells
    for opinion in summary["opinions"]:
        assert opinion["record"] in first_cells
    for case in summary["penalties"]:
        assert case["id"] in first_cells
    assert {tag for tag, _ in page.tags}.isdisjoint({"script", "img"})


def test_page_defines_the_on_time_rate_where_it_shows_it(page):
    text = "".join(page.text)
    assert "按时率 = 按时 ÷（按时 + 超时 + 逾期未完成）；未到时限的（待回访）和无法联系的不计入。" in text
    assert "满意率 = 满意 ÷（满意 + 基本满意 + 不满意）" in text


def test_a_month_not_yet_closed_says_its_figures_will_change(archive, summary):
    assert not summary["closed"]  # the fixture's as-of is before 2026-12-05 16:00
    assert "未结月，数字会变" in render_month(summary)
    closed = month_summary(open_archive(archive, as_of=parse_time("2026-12-06T09:00"), git=False), (2026, 11))
    assert closed["closed"] and "未结月" not in render_month(closed)


def test_a_provisional_case_stays_out_of_the_totals(archive):
    # The 2027 calendar is published in the test archive (records/calendar.yaml), 2028 is not: archived
    # 2027-12-30, its 7 working days (第十四条) run into 2028 and are counted provisionally.
    add_visit(archive, "HF-20280120-0001", category="business", kind="new-install", order="GD2027123000001",
              archived="2027-12-30T10:00:00+08:00", visited="2028-01-20 10:00")
    summary = month_summary(open_archive(archive, as_of=parse_time("2028-02-10T09:00"), git=False), (2028, 1))
    case = next(c for c in summary["penalties"] if c["unit"] == "tanggu")
    assert case["provisional"] and case["unit_amount"] == 1000
    totals = summary["company"]["penalties"]
    assert totals["cases"] == 0 and totals["unit_amount"] == 0 and totals["provisional"] == 1
    assert totals["provisional_amounts"]["unit_amount"] == 1000
    tanggu = next(u for u in summary["units"] if u["id"] == "tanggu")
    assert tanggu["penalties"]["unit_amount"] == 0
    page = Page(to_html(render_month(summary)))
    assert page.row("全公司", cells=20)[-2:] == ["0", "1,000"]  # 考核金额, 暂定考核金额（不计入合计）
    assert page.row(case["id"])[5] == "1,000" and page.row("暂定合计（不计入月度合计）")[5] == "1,000"
    assert "本月没有考核案例。" in "".join(page.text)  # the counted table is empty


def test_records_after_a_submission_are_counted_apart_not_as_a_discrepancy(archive, capsys):
    from callback_archive.cli import reports as build_reports_cli
    from callback_archive.history import load_history
    from gitrepo import GitRepo

    repo = GitRepo(archive)
    add_visit(archive, "HF-20261126-0001", order="GD2026112500123", archived="2026-11-25T14:30:00+08:00",
              visited="2026-11-26 08:00")
    repo.commit("登记回访", at="2026-11-26T12:00:00+08:00")
    assert build_reports_cli.main(["--root", str(archive), "--submit", "tanggu", "--month", "2026-11",
                                   "--as-of", "2026-12-02T10:00"]) == 0
    repo.commit("塘沽上报", at="2026-12-02T10:30:00+08:00")
    add_visit(archive, "HF-20261128-0001", order="GD2026112800001", archived="2026-11-28T09:00:00+08:00",
              visited="2026-11-28 15:00")  # counted in November, merged after the submission
    repo.commit("补登回访", at="2026-12-03T09:00:00+08:00")

    def tanggu_row(as_of: str) -> list[str]:
        loaded = ArchiveAt.of(load_archive(archive), load_history(archive, use_cache=False), parse_time(as_of))
        summary = month_summary(loaded, (2026, 11))
        return Page(to_html(render_month(summary))).row("塘沽供电分公司", cells=7)

    row = tanggu_row("2026-12-04T09:00")
    assert row[3:] == ["1", "2", "1", "上报后又有 1 条记录入档，另计，不算不一致"]
    assert tanggu_row("2026-12-02T12:00")[3:5] == ["1", "2"]  # the later record is not on main yet: apart all the same
    submitted = archive / "records/submissions/2026-11/tanggu.yaml"
    submitted.write_text(submitted.read_text(encoding="utf-8").replace("total: 1", "total: 0"), encoding="utf-8")
    repo.commit("改动上报数字", at="2026-12-03T10:00:00+08:00")
    assert tanggu_row("2026-12-04T09:00")[3:] == ["0", "2", "1", "与档案不一致：请核对上报文件"]  # 2 more, 1 later
    page = Page(to_html(render_month(month_summary(open_archive(archive, as_of=parse_time("2026-12-04T09:00"), git=False), (2026, 11)))))
    assert page.row("营销部", cells=7)[3:] == ["—", "2", "—", "—"]  # no submission (its archive figure: the company)
    assert "与档案不同（没有 Git 历史" in page.row("塘沽供电分公司", cells=7)[6]  # no history: cannot tell


def test_a_migrated_record_is_not_a_later_arrival(archive):
    """Records from before audit.history_since were migrated into Git afterwards: their landing says nothing
    about when the archive had them, so they never count as arriving after a submission."""
    from callback_archive.cli import reports as build_reports_cli
    from callback_archive.history import load_history
    from gitrepo import GitRepo

    repo = GitRepo(archive)
    repo.commit("建立档案库", at="2026-11-26T08:00:00+08:00")
    assert build_reports_cli.main(["--root", str(archive), "--submit", "tanggu", "--month", "2026-11",
                                   "--as-of", "2026-11-26T09:00"]) == 0
    repo.commit("塘沽上报", at="2026-11-26T09:30:00+08:00")
    add_visit(archive, "HF-20261120-0001", order="GD2026112000123", archived="2026-11-19T14:30:00+08:00",
              visited="2026-11-20 08:00")  # before history_since (2026-11-26): migrated after the submission
    repo.commit("迁移旧系统的回访", at="2026-11-26T12:00:00+08:00")
    as_of = parse_time("2026-12-04T09:00")
    loaded = ArchiveAt.of(load_archive(archive), load_history(archive, use_cache=False), as_of)
    row = Page(to_html(render_month(month_summary(loaded, (2026, 11))))).row("塘沽供电分公司", cells=7)
    assert row[3:] == ["0", "1", "0", "与档案不一致：请核对上报文件"]  # it was in the old system: not "later"
