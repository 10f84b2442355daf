"""Every page of the built site passes axe-core's WCAG 2.1 AA rules with no serious or critical violation.

axe-core comes from npm (package.json, pinned; ``npm ci`` installs it, .ci/run does so) and is injected into
each page in Debian's Chromium. Without Chromium or Node the test is skipped on a developer's machine and fails
in CI, like the other browser tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from browser_fixtures import unavailable
from conftest import REPO

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        unavailable("没有 node_modules/axe-core（在仓库目录运行 npm ci；需要 Node.js 和 npm）")
    return AXE.read_text(encoding="utf-8")


def _violations(page, source: str) -> list[dict]:
    page.add_script_tag(content=source)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def _pages(site: Path) -> list[str]:
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html"))


def test_every_page_has_no_serious_or_critical_wcag_violation(site: Path, base_url: str, page, axe_source: str) -> None:
    pages = _pages(site)
    assert len(pages) > 40  # every page of the sample site, the 404 page included
    found = []
    for relpath in pages:
        page.goto(base_url + relpath)
        for violation in _violations(page, axe_source):
            node = violation["nodes"][0]
            found.append(f"{relpath}: {violation['id']}（{violation['impact']}，{len(violation['nodes'])} 处，"
                         f"如 {node['target']}）{violation['help']}")
    assert found == [], "\n".join(found)


def test_the_check_finds_what_it_is_meant_to_find(base_url: str, page, axe_source: str) -> None:
    """The run above can fail: low-contrast text, an unlabelled scrolling region and a colour-only link are caught."""
    page.goto(base_url)
    page.evaluate("""() => {
        const article = document.querySelector('article');
        article.insertAdjacentHTML('beforeend',
          '<p style="color:#c6cbe9;background:#4051b5">浅色文字</p>' +
          '<p>正文<a href="#x" style="text-decoration:none;color:#4051b5">链接</a>正文</p>' +
          '<div style="overflow-x:auto;width:100px"><div style="width:2000px">很宽的内容</div></div>');
    }""")
    assert {v["id"] for v in _violations(page, axe_source)} >= {"color-contrast", "link-in-text-block",
                                                               "scrollable-region-focusable"}


def test_wide_tables_can_be_reached_and_scrolled_with_the_keyboard(site: Path, base_url: str, page) -> None:
    wide = next(relpath for relpath in _pages(site) if relpath.startswith("reports/2026-"))
    page.set_viewport_size({"width": 480, "height": 800})
    page.goto(base_url + wide)
    region = page.locator(".md-typeset__scrollwrap[tabindex='0']").first
    assert region.get_attribute("role") == "region" and "左右滚动" in region.get_attribute("aria-label")
    region.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert region.evaluate("element => element.scrollLeft") > 0
