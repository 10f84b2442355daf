"""The site's generated pages as the library makes them: every page there, every record findable,
personal data masked, record texts shown literally, every link (articles included) resolving."""

from __future__ import annotations

import html
import io
import json
import posixpath
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import markdown
import pytest
import yaml

from callback_archive import audit
from callback_archive.site import generate as sitegen
from callback_archive.engine.loader import load_archive
from callback_archive.labels import label, labels
from callback_archive.masking import mask_phone
from callback_archive.site import NAV_PAGES, site_pages
from callback_archive.site.charts import count_chart, rate_chart
from callback_archive.site.common import Privacy, rel
from callback_archive.site.data import load_site_data
from callback_archive.site.records import RecordBlocks, shard
from callback_archive.timeutil import format_time, parse_time
from conftest import AS_OF, REPO
from site_fixture import (
    HOSTILE_LETTER, HOSTILE_NAME, HOSTILE_ORDER, HOSTILE_PHONE, HOSTILE_SENDER, HOSTILE_SENDER_PHONE, HOSTILE_VISIT,
    build_site_archive,
)

MAX_PAGE_BYTES = 2 * 1024 * 1024


@pytest.fixture(scope="session")
def archive_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site_archive(tmp_path_factory.mktemp("site-archive"))


@pytest.fixture(scope="session")
def pages(archive_root: Path) -> dict[str, str | bytes]:
    """What the site generates from the archive; not the vendored form program (checked against its pin file)."""
    return {path: content for path, content in sitegen.generated_pages(archive_root, parse_time(AS_OF)).items()
            if not path.startswith("admin/decap-cms/")}


def _texts(pages: dict[str, str | bytes]) -> dict[str, str]:
    """Every generated file as text; a workbook as the text of all its XML parts."""
    texts = {}
    for path, content in pages.items():
        if isinstance(content, bytes):
            with zipfile.ZipFile(io.BytesIO(content)) as book:
                texts[path] = "".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml"))
        else:
            texts[path] = content
    return texts


def _mkdocs_markdown() -> markdown.Markdown:
    """Python-Markdown with the extensions mkdocs.yml configures."""
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    extensions, settings = [], {}
    for item in config["markdown_extensions"]:
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, {})
        extensions.append(name)
        settings[name] = options or {}
    return markdown.Markdown(extensions=extensions, extension_configs=settings)


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml: ``!ENV`` values become their default."""


_Loader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1])


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _html(page: str) -> _Html:
    body = re.sub(r"\A---\n.*?\n---\n", "", page, flags=re.DOTALL)
    parser = _Html()
    parser.feed(_mkdocs_markdown().convert(body))
    parser.close()
    return parser


def _phones(root: Path) -> set[str]:
    """Every phone number written in the archive's records."""
    found = set()
    for path in (root / "records").rglob("*.yaml"):
        found.update(re.findall(r'phone: "([^"]+)"', path.read_text(encoding="utf-8")))
    return found


# --- the pages --------------------------------------------------------------------------------


def test_every_page_the_navigation_names_is_generated_or_written(pages: dict) -> None:
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)

    def walk(items):
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            yield from walk(value) if isinstance(value, list) else [value]

    named = set(walk(config["nav"]))
    assert set(NAV_PAGES) <= named
    for page in named:
        assert page in pages or (REPO / "docs" / page).is_file(), page


def test_reports_have_a_page_and_a_workbook_per_month(pages: dict) -> None:
    for month in ("2026-09", "2026-10", "2026-11"):
        assert f"[下载 Excel 月报（月报-{month}.xlsx）]" in pages[f"reports/{month}/index.md"]
        workbook = pages[f"reports/{month}/月报-{month}.xlsx"]
        assert isinstance(workbook, bytes) and workbook.startswith(b"PK")
    assert "[2026年11月（未结月）](2026-11/index.md)" in pages["reports/index.md"]  # as of 2026-11-26
    assert "未结月，数字会变" in pages["reports/2026-11/index.md"] and "未结月" not in pages["reports/2026-10/index.md"]


def test_dashboard_shows_the_month_the_next_deadline_and_who_has_not_submitted(pages: dict) -> None:
    home = pages["index.md"]
    assert "## 本月概况（2026年11月）" in home and "按时率" in home and "满意率" in home
    assert "未结月，数字会变。按时率 = 按时 ÷（按时 + 超时 + 逾期未完成）" in home
    assert "下一次上报时限：**2026-12-05 16:00**" in home and "尚未上报：营销部" in home
    assert "## 逾期与即将到期" in home and "**逾期**" in home
    assert home.count("<figure class=\"ca-chart\"") == 2 and 'class="ca-lookup"' in home


def test_every_record_has_a_block_and_is_found_by_id_order_and_account(archive_root: Path, pages: dict) -> None:
    archive = load_archive(archive_root)
    lookup: dict[str, list] = {}
    for path, content in pages.items():
        if path.startswith("archive/lookup/"):
            data = json.loads(content)
            assert Path(path).stem == shard(next(iter(data["keys"])))
            for key, entries in data["keys"].items():
                lookup[key] = [(record, data["pages"][index][0]) for record, index, _ in entries]
    visits = archive.visits + [r for r in archive.voided if r.id.startswith("HF-")]
    assert len(visits) > 300
    for visit in visits:
        ((_, url),) = [e for e in lookup[visit.id] if e[0] == visit.id]
        assert f'id="{visit.id}"' in pages[url + "index.md"]
        assert (visit.id, url) in lookup[visit.customer.account]
        if visit.trigger:
            assert (visit.id, url) in lookup[visit.trigger.order]
    for letter in archive.letters:
        url = f"letters/{letter.received_at:%Y-%m}/"
        assert lookup[letter.id] == [(letter.id, url)]
        assert f'id="{letter.id}"' in pages[url + "index.md"]


def test_no_phone_number_of_the_archive_appears_anywhere(archive_root: Path, pages: dict) -> None:
    phones = _phones(archive_root)
    assert HOSTILE_PHONE in phones and HOSTILE_SENDER_PHONE in phones and len(phones) > 300
    digits = {re.sub(r"\D", "", p) for p in phones}
    for path, text in _texts(pages).items():
        flat = re.sub(r"[\s-]", "", text)
        assert not [p for p in digits if p in flat], path


def test_customer_names_and_addresses_are_masked(archive_root: Path, pages: dict) -> None:
    archive = load_archive(archive_root)
    staff = {v.visitor for v in archive.visits} | {u.head for u in archive.units.values()} | {
        u.reporter for u in archive.units.values()}
    persons = {v.customer.name for v in archive.visits if v.customer.kind == "residential" and len(v.customer.name) > 2}
    persons -= staff
    assert HOSTILE_NAME in persons
    texts = _texts(pages)
    for path, text in texts.items():
        assert not [name for name in persons if name in text], path
        assert HOSTILE_SENDER not in text and "新港路12号" not in text, path
    hostile = pages["archive/2026-11/xinbei/index.md"]
    assert "王*华" in hostile and "139****5678" in hostile and "王*明" in hostile
    assert "张*民" in pages["letters/2026-11/index.md"] and "天津市滨海新区****" in pages["letters/2026-11/index.md"]
    large = {c.name for c in archive.large_customers}
    assert any(name in pages["large-customers.md"] for name in large)


def test_record_texts_show_literally_and_run_nothing(pages: dict) -> None:
    for path in ("archive/2026-11/xinbei/index.md", "letters/2026-11/index.md", "letters/index.md",
                 "reports/2026-11/index.md", "index.md"):
        page = _html(pages[path])
        tags = [tag for tag, _ in page.tags]
        assert not {"script", "img", "b", "iframe"} & set(tags), path
        assert not [name for _, attrs in page.tags for name in attrs if name.startswith("on")], path
        hrefs = [attrs.get("href") or "" for tag, attrs in page.tags if tag == "a"]
        assert not [h for h in hrefs if h.lower().startswith("javascript")], path
    text = "".join(_html(pages["archive/2026-11/xinbei/index.md"]).text)
    for literal in ("<script>alert(1)</script>", "[点我](javascript:alert(1))", "<img src=x onerror=alert(1)>",
                    "a|b *粗* _斜_ `码`", "# 不是标题 <b>不是粗体</b>", "态度<script>x</script>"):
        assert literal in text
    letters = "".join(_html(pages["letters/2026-11/index.md"]).text)
    assert "反映 | 小区 *频繁* 停电 <b>" in letters


def _block(page: str, record: str) -> str:
    block = page[re.search(f'<div class="ca-rec[^"]*" id="{record}"', page).start():]
    return block[:block.index("</div>")]


def test_findings_and_deadlines_on_records_link_their_articles(pages: dict) -> None:
    page = pages["archive/2026-11/xinbei/index.md"]
    block = _block(page, HOSTILE_VISIT)
    assert "时限：2026-11-26 08:00 前\n" in block
    assert "- **警告** 回访所填工单不在导入的工单中（[第五条](../../../rules.md#article-5)）：工单 GD2026112500901" in block
    repair = page[page.index("{#repair}"):]
    assert repair.index("时限：抢修归档后 24 小时内（[第十五条](../../../rules.md#article-15)）。") < repair.index(HOSTILE_VISIT)


def test_a_record_block_shows_every_field(archive_root: Path, pages: dict) -> None:
    archive = load_archive(archive_root)
    where = {record: path for path, page in pages.items() if path.endswith(".md")
             for record in re.findall(r'<div class="ca-rec[^"]*" id="([^"]+)"', page)}
    site = load_site_data(archive_root, parse_time(AS_OF))
    shown = 0
    for visit in archive.visits + [r for r in archive.voided if r.id.startswith("HF-")]:
        block = _block(pages[where[visit.id]], visit.id)
        c = visit.customer
        expected = [c.account, label("visit.customer.kind", c.kind), format_time(visit.visited_at),
                    label("visit.method", visit.method), visit.visitor, labels("visit.topics", visit.topics),
                    visit.source.path, "联系上" if visit.reached else "未联系上"]
        expected += [mask_phone(c.phone)] if c.phone else []
        expected += [f"{c.voltage_kv:g} 千伏"] if c.voltage_kv is not None else []
        expected += [labels("visit.customer.groups", c.groups)] if c.groups else []
        if visit.trigger:
            expected += [visit.trigger.order, label("visit.trigger.kind", visit.trigger.kind),
                         format_time(visit.trigger.archived_at)] + ([visit.trigger.disaster] * bool(visit.trigger.disaster))
        expected += [html.escape(site.privacy.text(t)) for t in (visit.opinion, visit.follow_up, visit.round) if t]
        expected += [label("visit.satisfaction", visit.satisfaction)] if visit.satisfaction else []
        expected += [html.escape(a.reason) for a in visit.amendments]
        expected += [html.escape(visit.void.reason)] if visit.void else []
        for text in expected:
            assert text in block, (visit.id, text)
            shown += 1
    assert shown > 4000
    titles = RecordBlocks(site).titles  # the letter schema's, by field path
    for letter in archive.letters:
        block = _block(pages[where[letter.id]], letter.id)
        for key in set(letter.source.data) - {"id", "kind", "unit"}:
            assert f"{titles[key]}：" in block, (letter.id, key)


def test_every_link_resolves_and_every_article_link_names_an_article(pages: dict) -> None:
    docs = {p.relative_to(REPO / "docs").as_posix() for p in (REPO / "docs").rglob("*") if p.is_file()}
    known = set(pages) | docs
    links = 0
    for path, content in pages.items():
        if not path.endswith(".md"):
            continue
        for target in re.findall(r"\]\(([^)\s]+)\)", content):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            file, _, anchor = target.partition("#")
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(file)))
            assert resolved in known, f"{path}: {target}"
            if resolved == "rules.md":
                assert re.fullmatch(r"article-([1-9]|[12][0-9]|30)", anchor), f"{path}: {target}"
            links += 1
    assert links > 500


def test_pages_stay_small_and_record_pages_stay_out_of_the_search(pages: dict) -> None:
    for path, content in pages.items():
        size = len(content if isinstance(content, bytes) else content.encode("utf-8"))
        assert size < MAX_PAGE_BYTES, path
    front = "---\nsearch:\n  exclude: true\nhide:\n  - navigation\n---\n"
    assert pages["archive/2026-11/tanggu/index.md"].startswith(front)
    assert "search:" not in pages["reports/2026-11/index.md"].split("# ", 1)[0]


def test_audit_without_git_says_so(pages: dict) -> None:
    assert "未找到 Git 历史" in pages["audit/index.md"]
    assert "未找到 Git 历史" in pages["archive/index.md"]
    assert "`callback-late`" in pages["audit/checks.md"]


def test_an_archive_without_policy_still_has_every_page(tmp_path: Path) -> None:
    generated = site_pages(tmp_path, parse_time(AS_OF))
    assert set(generated) == set(NAV_PAGES)
    assert all("policy.yaml 缺失或有误" in page for page in generated.values())


def test_write_pages_writes_files_and_pages(archive_root: Path, tmp_path: Path) -> None:
    assert sitegen.main(["--out", str(tmp_path), "--root", str(archive_root), "--as-of", AS_OF]) == 0
    assert (tmp_path / "reports" / "2026-11" / "月报-2026-11.xlsx").read_bytes().startswith(b"PK")
    assert (tmp_path / "index.md").read_text(encoding="utf-8").startswith("# 滨海供电公司客户回访档案")


def test_as_of_comes_from_the_argument_or_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLBACK_AS_OF", "2026-11-20T10:00")
    assert sitegen.site_as_of() == parse_time("2026-11-20T10:00")
    assert sitegen.site_as_of("2026-11-26") == parse_time("2026-11-26")
    with pytest.raises(ValueError, match="CALLBACK_AS_OF"):
        sitegen.site_as_of("昨天")


# --- helpers ----------------------------------------------------------------------------------


def test_privacy_masks_phones_in_text_but_not_ids_orders_or_accounts() -> None:
    privacy = Privacy(frozenset({"1987978457"}), re.compile("邹春燕"))
    text = "请回电 13800001234 或 138-0000-1234、022-25801234；户号 0994234808，工单 GD2026110487177，HF-20261111-0003"
    assert privacy.text(text) == ("请回电 138****1234 或 138****1234、022-******34；户号 0994234808，"
                                  "工单 GD2026110487177，HF-20261111-0003")
    assert privacy.composed("重点客户 邹春燕 2026 年回访 0 次") == "重点客户 邹*燕 2026 年回访 0 次"
    assert privacy.customer("天津滨海瀚洋石化有限公司", "1987978457") == "天津滨海瀚洋石化有限公司"
    assert privacy.customer("王建华", "0212345678") == "王*华"


def test_relative_links_between_site_paths() -> None:
    assert rel("archive/2026-11/tanggu/index.md", "rules.md") == "../../../rules.md"
    assert rel("index.md", "reports/index.md") == "reports/index.md"
    assert rel("archive/2026-11/tanggu/2/index.md", "archive/2026-11/tanggu/index.md") == "../index.md"


def test_charts_are_svg_with_escaped_labels_and_no_script() -> None:
    chart = rate_chart("按时率", ["2026年10月", "2026年11月"], {"<b>单位</b>": [0.95, None], "全公司": [0.9, 1.0]})
    assert chart.startswith('<figure class="ca-chart"') and "<svg" in chart and "<script" not in chart
    assert "&lt;b&gt;单位&lt;/b&gt;" in chart and "<b>" not in chart and "\n\n" not in chart
    assert "<polyline" in chart and "全公司 2026年11月：100.00%" in chart
    bars = count_chart("回访量", ["2026年10月"], {"业务受理": [3], "供电抢修": [0]})
    assert "业务受理：3" in bars and "供电抢修：0" not in bars
    assert "还没有数据" in rate_chart("空", [], {})


def test_hostile_records_are_in_the_fixture(archive_root: Path) -> None:
    archive = load_archive(archive_root)
    assert {HOSTILE_VISIT, HOSTILE_LETTER} <= {r.id for r in archive.visits + archive.letters}
    assert any(v.trigger and v.trigger.order == HOSTILE_ORDER for v in archive.visits)


def test_audit_tables_show_record_texts_literally() -> None:
    hostile = '<script>alert(1)</script> [点我](javascript:alert(1)) a|b'
    view = {"month": "2026-11", "history": {"ref": "main", "head": "0" * 40, "as_of": "2026-11-26 09:00",
                                            "history_since": None, "backfill_days": None},
            **{name: [] for name in audit.SECTIONS}}
    view["amended"] = [{"record": "HF-20261125-0001", "at": "2026-11-25 10:00", "by": "李敏", "reason": hostile,
                        "fields": ["customer.phone"]}]
    page = _html(audit.render_month_markdown(view))
    assert hostile in "".join(page.text)
    assert not [tag for tag, _ in page.tags if tag == "script"]
    assert not [a for tag, a in page.tags if tag == "a" and (a.get("href") or "").startswith("javascript")]


def test_record_regions_set_aside_by_the_plugin_give_the_same_html(pages: dict) -> None:
    """The plugin hands the plain record blocks past Python-Markdown: the page's HTML must be what Markdown makes of
    the whole page (without the two marker comments), and every record id in a region must still count as an anchor of the page."""
    from types import SimpleNamespace

    from callback_archive.site.records import RAW_CLOSE, RAW_OPEN

    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    extensions = [e if isinstance(e, str) else next(iter(e)) for e in config["markdown_extensions"]]
    from callback_archive.site.plugin import ArchivePlugin

    plugin = ArchivePlugin()
    checked = 0
    for path in ("archive/2026-11/xinbei/index.md", "letters/2026-11/index.md"):
        text = pages[path].split("---\n", 2)[2]
        assert RAW_OPEN in text and RAW_CLOSE in text
        regions = [region.split(RAW_CLOSE)[0] for region in text.split(RAW_OPEN)[1:]]
        assert all('markdown="1"' not in region for region in regions)
        page = SimpleNamespace(file=SimpleNamespace(src_uri=path), present_anchor_ids=set())
        shortened = plugin.on_page_markdown(text, page, None, None)
        assert RAW_OPEN not in shortened and len(shortened) < len(text)
        fast = plugin.on_page_content(markdown.markdown(shortened, extensions=extensions), page, None, None)
        unmarked = text.replace(RAW_OPEN + "\n", "").replace(RAW_CLOSE + "\n", "")
        assert fast == markdown.markdown(unmarked, extensions=extensions)
        ids = set(re.findall(r'<div class="ca-rec[^"]*" id="([^"]+)"', text))
        in_regions = {i for region in regions for i in re.findall(r'class="ca-rec[^"]*" id="([^"]+)"', region)}
        assert in_regions and in_regions <= page.present_anchor_ids and in_regions <= ids
        checked += len(in_regions)
    assert HOSTILE_VISIT in pages["archive/2026-11/xinbei/index.md"] and checked
