"""The built site in a real browser (Playwright driving Debian's Chromium, headless): the dashboard, a
monthly report and its workbook, Chinese search, finding a record by work order and by id, masking,
and records whose texts try to inject HTML or Markdown. Nothing may be loaded from another host.

Screenshots of the dashboard and a monthly report go to the test's output folder and to out/screenshots/.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook

from callback_archive.engine.loader import load_archive
from conftest import REPO
from site_fixture import HOSTILE_LETTER, HOSTILE_PHONE, HOSTILE_VISIT
from test_site_build import external_loads

SCREENSHOTS = REPO / "out" / "screenshots"


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def _screenshot(page, folder: Path, name: str) -> None:
    path = folder / name
    page.screenshot(path=str(path), full_page=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SCREENSHOTS / name)


def _phones(root: Path) -> set[str]:
    """Every phone number in the archive's records, digits only."""
    found = set()
    for path in (root / "records").rglob("*.yaml"):
        found.update(re.sub(r"\D", "", p) for p in re.findall(r'phone: "([^"]+)"', path.read_text(encoding="utf-8")))
    return found


def test_the_built_site_has_no_full_phone_number_and_loads_nothing_from_elsewhere(site: Path,
                                                                                   archive_root: Path) -> None:
    phones = _phones(archive_root)
    assert len(phones) > 300
    for path in site.rglob("*"):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                text = "".join(book.read(name).decode("utf-8") for name in book.namelist())
        elif path.suffix in (".html", ".js", ".css", ".json", ".xml", ".svg", ".txt"):
            text = path.read_text(encoding="utf-8")
            if path.suffix in (".html", ".css", ".js"):
                assert external_loads(text, path.suffix) == [], path.relative_to(site)
        else:
            continue
        flat = re.sub(r"[\s-]", "", text)
        assert not [p for p in phones if p in flat], path.relative_to(site)


def test_dashboard(page, base_url: str, screenshots: Path) -> None:
    page.goto(base_url)
    assert page.locator("h1").first.inner_text().rstrip("¶") == "滨海供电公司客户回访档案"
    kpis = page.locator(".ca-kpi")
    assert kpis.count() >= 5 and "按时率" in kpis.nth(2).inner_text()
    body = page.locator("article").inner_text()
    assert "下一次上报时限：2026-12-05 16:00" in body and "尚未上报" in body and "逾期" in body
    assert page.locator("figure.ca-chart svg").count() == 2
    _screenshot(page, screenshots, "dashboard.png")
    page.locator("#ca-lookup-input").fill(HOSTILE_LETTER)
    page.locator("#ca-lookup-input").press("Enter")
    page.wait_for_url(f"**/letters/2026-11/#{HOSTILE_LETTER}")
    assert "张*民" in page.locator(f"#{HOSTILE_LETTER}").inner_text()


def test_monthly_report_and_its_workbook(page, base_url: str, archive_root: Path, screenshots: Path,
                                         tmp_path: Path) -> None:
    page.goto(base_url + "reports/")
    page.get_by_role("link", name="2026年11月").click()
    assert page.locator("h1").first.inner_text().startswith("滨海供电公司客户回访统计月报（2026年11月）")
    _screenshot(page, screenshots, "report-2026-11.png")
    with page.expect_download() as download:
        page.locator("a[download]").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "月报-2026-11.xlsx"
    book = load_workbook(saved)
    assert book.sheetnames[0] == "汇总" and "客户意见" in book.sheetnames
    cells = " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None)
    assert "滨海供电公司客户回访统计月报（2026年11月）" in cells
    assert not [p for p in _phones(archive_root) if p in cells.replace("-", "")]


def _search(page, query: str) -> list[str]:
    """Type into Material's search box; a key press ends the input, as after typing with an input method."""
    box = page.locator("input.md-search__input")
    box.fill(query)
    box.press("End")
    page.wait_for_function(
        "query => document.querySelector('.md-search-result__meta').textContent.includes('个符合条件的结果')"
        " && document.querySelector('input.md-search__input').value === query", arg=query)
    links = page.locator(".md-search-result__item a")
    shown = -1
    while links.count() != shown:  # Material adds results as the list is scrolled
        shown = links.count()
        page.locator(".md-search__scrollwrap").evaluate("wrap => wrap.scrollTo(0, wrap.scrollHeight)")
        page.wait_for_timeout(300)
    return [a.get_attribute("href") for a in links.all()]


def test_chinese_search(page, base_url: str) -> None:
    page.goto(base_url)
    page.locator("label.md-search__icon, input.md-search__input").first.click()
    hits = _search(page, "抢修")
    assert any("reports/2026-11/" in href for href in hits[:20])
    assert any(href.endswith("rules/?h=%E6%8A%A2#article-15") for href in hits)
    assert any("reports/2026-" in href for href in _search(page, "不满意"))


def test_work_order_search_opens_the_record(page, base_url: str, archive_root: Path) -> None:
    archive = load_archive(archive_root)
    orders = Counter(v.trigger.order for v in archive.visits if v.trigger)
    visit = next(v for v in sorted(archive.visits, key=lambda v: v.id)
                 if v.trigger and orders[v.trigger.order] == 1 and v.customer.phone)
    page.goto(base_url + "archive/")
    page.locator("#ca-lookup-input").fill(visit.trigger.order)
    page.locator("#ca-lookup-input").press("Enter")
    page.wait_for_url(f"**#{visit.id}")
    block = page.locator(f"#{visit.id}")
    assert block.is_visible()
    text = block.inner_text()
    assert visit.trigger.order in text and visit.customer.account in text
    assert visit.customer.phone[:3] + "****" + visit.customer.phone[-4:] in text
    assert visit.customer.phone not in page.content()


def test_record_texts_show_literally_and_personal_data_is_masked(page, base_url: str) -> None:
    page.goto(base_url + "archive/")
    page.locator("#ca-lookup-input").fill(HOSTILE_VISIT.lower())
    page.locator("button", has_text="查找").click()
    page.wait_for_url(f"**#{HOSTILE_VISIT}")
    block = page.locator(f"#{HOSTILE_VISIT}")
    text = block.inner_text()
    for literal in ("<script>alert(1)</script>", "[点我](javascript:alert(1))", "<img src=x onerror=alert(1)>",
                    "# 不是标题 <b>不是粗体</b>", "态度<script>x</script>"):
        assert literal in text
    assert block.locator("script, img, b, iframe").count() == 0
    assert block.locator("a[href^='javascript' i]").count() == 0
    assert "王*华" in text and "139****5678" in text and "王*明" in text
    assert HOSTILE_PHONE not in page.content()
    assert block.locator("a[href*='rules/#article-5']").first.inner_text() == "第五条"  # its finding's article
