"""MkDocs hook: add the pages and files that callback_archive.sitegen generates from the archive.

Only wiring lives here; what the pages say is decided in callback_archive (sitegen and site).
``extra.archive`` in mkdocs.yml names the archive (``root``, default: this repository) and the
moment the site is "as of" (``as_of``, default: now); both can come from the environment.

A big year puts 200,000 record blocks on the archive pages. They are plain HTML, escaped when
generated, between ``<!-- ca:html -->`` and ``<!-- /ca:html -->`` lines: Python-Markdown would
only pass them through, after parsing every tag twice (MkDocs' anchor scan and the raw HTML
block parser). So each such region is set aside before Markdown runs (``on_page_markdown``), a
one-line comment in its place, and put back into the HTML (``on_page_content``), its ids added
to the page's anchors so that links to ``…/#HF-20261125-0001`` are still checked.

The month workbooks are made by a worker process meanwhile (``site.sections.start_workbooks``):
MkDocs knows them from the start (links to them are checked) and they are written after the pages.
"""

from __future__ import annotations

import html
import re
import sys
from concurrent.futures import Future
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from callback_archive.site.records import RAW_CLOSE, RAW_OPEN  # noqa: E402
from callback_archive.sitegen import generated_files, site_as_of  # noqa: E402

_REGION = re.compile(f"^{re.escape(RAW_OPEN)}\n(.*?)^{re.escape(RAW_CLOSE)}$", re.DOTALL | re.MULTILINE)
_PLACEHOLDER = re.compile(r"<!-- ca:html (\d+) -->")
_ID = re.compile(r'<[a-z]+ [^>]*?\bid="([^"]*)"')

_set_aside: dict[str, list[str]] = {}  # page (src_uri) → its raw HTML regions, between the two page events
_later: dict[str, tuple[File, Future]] = {}  # files a worker process is still making → written after the pages


class _LateFile(File):
    """A generated file whose bytes are not ready when MkDocs copies the other files: ``on_post_build`` writes it."""

    def copy_file(self, dirty: bool = False) -> None:
        pass


def on_files(files: Files, config: MkDocsConfig) -> Files:
    settings = config.extra.get("archive") or {}
    root = Path(settings.get("root") or REPO_ROOT)
    pages, later = generated_files(root, site_as_of(settings.get("as_of")))
    for src_uri, content in pages.items():
        files.append(File.generated(config, src_uri, content=content))
    _later.clear()
    for src_uri, future in later.items():
        file = _LateFile.generated(config, src_uri, content=b"")
        files.append(file)
        _later[src_uri] = (file, future)
    return files


def on_post_build(config: MkDocsConfig) -> None:
    while _later:
        _, (file, future) = _later.popitem()
        target = Path(file.abs_dest_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(future.result())


def on_build_error(error: Exception) -> None:
    while _later:
        _later.popitem()[1][1].cancel()


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if RAW_OPEN not in markdown:
        return markdown
    regions: list[str] = []

    def set_aside(match: re.Match) -> str:
        regions.append(match[1].rstrip("\n"))
        return f"<!-- ca:html {len(regions) - 1} -->"

    markdown = _REGION.sub(set_aside, markdown)
    _set_aside[page.file.src_uri] = regions
    return markdown


def on_page_content(content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    regions = _set_aside.pop(page.file.src_uri, None)
    if not regions:
        return content
    if page.present_anchor_ids is not None:
        page.present_anchor_ids.update(html.unescape(anchor) for region in regions for anchor in _ID.findall(region))
    return _PLACEHOLDER.sub(lambda match: regions[int(match[1])], content)
