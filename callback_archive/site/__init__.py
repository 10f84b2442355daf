"""The archive website's pages made from the records at every build: 首页, 月报, 回访档案, 函复, 大客户, 连心卡,
考核, 审计. Nothing here is committed; ``site_pages`` returns every file by its path in the site.

``callback_archive.site.generate.generated_pages`` adds these to the pages made from the schemas; the MkDocs hook
and ``python -m callback_archive.site.generate --out DIR`` both use it, so another generator needs only configuration.
"""

from __future__ import annotations

from concurrent.futures import Future
from datetime import datetime
from pathlib import Path

from ..engine.loader import collector_paused
from .data import load_site_data
from .overview import charts_page, dashboard
from .records import Anchors, RecordBlocks, archive_pages, lookup_files
from .sections import (
    audit_site_pages, cards_page, large_customers_page, letters_pages, penalties_pages, report_pages, start_workbooks,
)

# The pages the navigation (mkdocs.yml) names: they exist in every build, even of a broken archive.
NAV_PAGES = {
    "index.md": "滨海供电公司客户回访档案",
    "reports/index.md": "月报",
    "reports/charts.md": "图表",
    "archive/index.md": "回访档案",
    "letters/index.md": "函复",
    "large-customers.md": "大电力客户",
    "cards.md": "连心卡",
    "penalties/index.md": "考核",
    "audit/index.md": "档案审计",
    "audit/checks.md": "校验结果",
}


def site_pages(root: Path, as_of: datetime) -> dict[str, str | bytes]:
    """Every generated page (Markdown) and file (lookup JSON, workbooks) of the archive at ``root``, as of ``as_of``."""
    pages, later = site_files(root, as_of)
    return {**pages, **{path: future.result() for path, future in later.items()}}


def site_files(root: Path, as_of: datetime) -> tuple[dict[str, str | bytes], dict[str, Future]]:
    """``site_pages`` in two parts: what is made here, and the files (the workbooks) still being made by a
    worker process; the MkDocs hook renders the pages meanwhile and writes those files at the end.

    The cyclic garbage collector waits meanwhile, as when validating (``collector_paused``): a big year's pages
    are made of millions of small objects and hardly any cycles, and it would walk the whole archive again and
    again (half the time of the lookup files)."""
    with collector_paused():
        return _site_files(root, as_of)


def _site_files(root: Path, as_of: datetime) -> tuple[dict[str, str | bytes], dict[str, Future]]:
    site = load_site_data(root, as_of)
    if not site.usable:
        return {page: f"# {title}\n\n!!! warning \"无法生成\"\n\n    policy.yaml 缺失或有误，无法计算时限和统计："
                      "请运行 `scripts/validate.py` 查看问题。\n" for page, title in NAV_PAGES.items()}, {}
    later = start_workbooks(site)
    blocks, anchors = RecordBlocks(site), Anchors()
    pages: dict[str, str | bytes] = dict(archive_pages(site, blocks, anchors))
    pages.update(letters_pages(site, blocks, anchors))
    pages.update(lookup_files(site))
    pages.update(report_pages(site, set(pages)))
    pages["reports/charts.md"] = charts_page(site)
    pages["index.md"] = dashboard(site)
    pages["large-customers.md"] = large_customers_page(site)
    pages["cards.md"] = cards_page(site)
    pages.update(penalties_pages(site))
    pages.update(audit_site_pages(site))
    return pages, later
