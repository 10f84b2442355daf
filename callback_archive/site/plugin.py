"""The MkDocs plugin ``callback-archive``: add the pages and files that ``site.generate`` generates from the archive.

Registered in pyproject.toml (``[project.entry-points."mkdocs.plugins"]``), used under ``plugins:`` in mkdocs.yml.
Only wiring lives here; what the pages say is decided in this package. The archive (``CALLBACK_ARCHIVE_ROOT``,
default: the repository of mkdocs.yml) and the moment the site is "as of" (``CALLBACK_AS_OF``, default: now) come
from the environment as text, or from the plugin's options ``root`` and ``as_of`` in mkdocs.yml. A bad value or a
failure of the generator stops the build with a Chinese message, never a traceback; a symlink under docs/ is left
out of the site and reported.

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
import logging
import os
import re
from concurrent.futures import Future
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from ..cli.guard import UsageError, report_defect
from .admin import check_backend
from .generate import generated_files, site_as_of
from .records import RAW_CLOSE, RAW_OPEN

_REGION = re.compile(f"^{re.escape(RAW_OPEN)}\n(.*?)^{re.escape(RAW_CLOSE)}$", re.DOTALL | re.MULTILINE)
_PLACEHOLDER = re.compile(r"<!-- ca:html (\d+) -->")
_ID = re.compile(r'<[a-z]+ [^>]*?\bid="([^"]*)"')

log = logging.getLogger("mkdocs.plugins.callback_archive")
ROOT_VARIABLE = "CALLBACK_ARCHIVE_ROOT"  # the archive to publish (default: mkdocs.yml's repository); CALLBACK_AS_OF: see site.generate


class ArchiveConfig(base.Config):
    # Any YAML value: the plugin says in Chinese what is wrong with it (MkDocs' own type errors are in English).
    root = c.Optional(c.Type(object))
    as_of = c.Optional(c.Type(object))
    cms = c.Optional(c.Type(object))  # the Git host of the clerks' form (/admin/): docs/clerk-form.md


class _LateFile(File):
    """A generated file whose bytes are not ready when MkDocs copies the other files: ``on_post_build`` writes it."""

    def copy_file(self, dirty: bool = False) -> None:
        pass


class ArchivePlugin(BasePlugin[ArchiveConfig]):
    """The archive's generated pages in an MkDocs build (see the module's description)."""

    def __init__(self) -> None:
        self._set_aside: dict[str, list[str]] = {}  # page (src_uri) → its raw HTML regions, between the two page events
        self._later: dict[str, tuple[File, Future]] = {}  # files a worker process is still making → written after the pages

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        _leave_out_links(files, config)
        default = Path(config.config_file_path).parent
        root = Path(str(self.config.root or os.environ.get(ROOT_VARIABLE) or default))
        if not (root / "records").is_dir():
            raise PluginError(f"{ROOT_VARIABLE}（或 mkdocs.yml 中 callback-archive 插件的 root）指向的 {root} 下没有 records/ 目录："
                              "请指向档案仓库的根目录，或不设置它以发布本仓库。")
        try:
            as_of = site_as_of(self.config.as_of)
        except ValueError as error:
            raise PluginError(str(error)) from None
        try:
            cms = check_backend(self.config.cms)
        except ValueError as error:
            raise PluginError(f"mkdocs.yml 中 callback-archive 插件的 cms：{error}") from None
        try:
            pages, later = generated_files(root, as_of, cms)
        except UsageError as error:
            raise PluginError(f"无法生成档案页面：{error}") from None
        except Exception as error:  # noqa: BLE001 - a defect: said in Chinese, as the command-line tools do
            report_defect(error, "mkdocs build（档案页面生成）")
            raise PluginError("档案页面生成时出现程序内部错误，网站没有构建：请按上面的说明报告。") from None
        for src_uri, content in pages.items():
            files.append(File.generated(config, src_uri, content=content))
        self._later.clear()
        for src_uri, future in later.items():
            file = _LateFile.generated(config, src_uri, content=b"")
            files.append(file)
            self._later[src_uri] = (file, future)
        return files

    def on_post_build(self, config: MkDocsConfig) -> None:
        while self._later:
            _, (file, future) = self._later.popitem()
            target = Path(file.abs_dest_path)
            try:
                content = future.result()
            except Exception as error:  # noqa: BLE001 - a defect of the workbook's maker: said in Chinese
                self.on_build_error(error)
                report_defect(error, "mkdocs build（月报工作簿生成）")
                raise PluginError(f"生成 {file.src_uri} 时出现程序内部错误，网站没有构建完整：请按上面的说明报告。") from None
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)

    def on_build_error(self, error: Exception) -> None:
        while self._later:
            self._later.popitem()[1][1].cancel()

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        if RAW_OPEN not in markdown:
            return markdown
        regions: list[str] = []

        def set_aside(match: re.Match) -> str:
            regions.append(match[1].rstrip("\n"))
            return f"<!-- ca:html {len(regions) - 1} -->"

        markdown = _REGION.sub(set_aside, markdown)
        self._set_aside[page.file.src_uri] = regions
        return markdown

    def on_page_content(self, content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        regions = self._set_aside.pop(page.file.src_uri, None)
        if not regions:
            return content
        if page.present_anchor_ids is not None:
            page.present_anchor_ids.update(html.unescape(anchor) for region in regions for anchor in _ID.findall(region))
        return _PLACEHOLDER.sub(lambda match: regions[int(match[1])], content)


def _leave_out_links(files: Files, config: MkDocsConfig) -> None:
    """A symlink under docs/ (or a file in a linked folder) may point outside the repository: it is left out
    of the site, and the build says so as an error (validate.py reports it as ``symlink-not-allowed``)."""
    under_docs = os.path.join(os.path.abspath(config.docs_dir), "")
    docs = os.path.realpath(config.docs_dir)
    for file in list(files):
        source = file.abs_src_path  # None for generated pages; the theme's files are outside docs/
        if not source or not source.startswith(under_docs):
            continue
        if os.path.realpath(source) != os.path.join(docs, *file.src_uri.split("/")):
            files.remove(file)
            log.error("docs/%s 是符号链接（或在链接的文件夹里），没有发布到网站：档案只收普通文件，"
                      "请删除链接，把文件本身放进 docs/。", file.src_uri)
