"""The archive site: generated pages, and a real ``mkdocs build --strict`` of the repository.

The built site must work on an intranet: nothing may be loaded from another host.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from callback_archive.safefile import is_working_file
from callback_archive.site import generate as sitegen
from conftest import AS_OF

REPO = Path(__file__).resolve().parent.parent

# --- helper: what a built file loads from another host -------------------------------------

_EXTERNAL = re.compile(r"(?:^|[\s,])(?:https?:)?//", re.IGNORECASE)
_LOADING_TAGS = {"link", "script", "img", "iframe", "source", "video", "audio", "embed"}
_LOADING_ATTRS = {"src", "href", "srcset", "poster"}
_NOT_LOADED_RELS = {"canonical", "alternate"}  # <link> that only names a URL, never fetches it
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""", re.IGNORECASE | re.DOTALL)
_CSS_IMPORT = re.compile(r"""@import\s+(['"])(.*?)\1""", re.IGNORECASE)  # the url(...) form is a _CSS_URL
_TAG_IN_SCRIPT = re.compile(
    r"""<(?:link|script|img)\b[^>]*?\b(?:src|href)\s*=\s*\\?['"]?((?:https?:)?//[^'"\s>\\]+)""", re.IGNORECASE
)


def _css_loads(css: str) -> list[str]:
    css = _CSS_COMMENT.sub("", css)
    urls = [m.group(2) for pattern in (_CSS_URL, _CSS_IMPORT) for m in pattern.finditer(css)]
    return [url for url in urls if _EXTERNAL.match(url.strip())]


class _HtmlLoads(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self._in_style = tag == "style"
        self.found += _css_loads(values.get("style") or "")
        if tag not in _LOADING_TAGS:
            return
        if tag == "link" and set((values.get("rel") or "").lower().split()) & _NOT_LOADED_RELS:
            return
        self.found += [v for k, v in attrs if k in _LOADING_ATTRS and v and _EXTERNAL.search(v)]

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found += _css_loads(data)


def external_loads(text: str, suffix: str) -> list[str]:
    """URLs on another host that a built ``.html``, ``.css`` or ``.js`` file would load.

    Plain ``<a href>`` links and comments (licence notices) do not load anything and are ignored.
    """
    if suffix == ".html":
        parser = _HtmlLoads()
        parser.feed(text)
        parser.close()
        return parser.found
    if suffix == ".css":
        return _css_loads(text)
    return _css_loads(text) + _TAG_IN_SCRIPT.findall(text)


def test_external_loads_catches_cdn_script_and_font_import() -> None:
    page = """<html><head>
      <link rel="stylesheet" href="assets/main.css">
      <link rel="preconnect" href="https://fonts.gstatic.com">
      <link rel="canonical" href="https://archive.example/rules/">
      <script src="https://cdn.jsdelivr.net/npm/x.js"></script>
      <style>@import url(https://fonts.googleapis.com/css?family=Roboto);</style>
      </head><body>
      <img src="//img.example/logo.png"> <img src="assets/logo.png">
      <a href="https://squidfunk.github.io/mkdocs-material/">Material</a>
      <svg xmlns="http://www.w3.org/2000/svg"></svg>
    </body></html>"""
    assert external_loads(page, ".html") == [
        "https://fonts.gstatic.com",
        "https://cdn.jsdelivr.net/npm/x.js",
        "https://fonts.googleapis.com/css?family=Roboto",
        "//img.example/logo.png",
    ]

    css = """/*! Font Awesome by @fontawesome - https://fontawesome.com */
      @import url(https://fonts.googleapis.com/css?family=Noto+Sans+SC);
      @import "https://cdn.example/reset.css";
      .a{background:url("data:image/svg+xml;charset=utf-8,<svg xmlns='http://www.w3.org/2000/svg'/>")}
      .b{background:url(../images/x.png)} .c{src:url('https://cdn.example/f.woff2')}"""
    assert external_loads(css, ".css") == [
        "https://fonts.googleapis.com/css?family=Noto+Sans+SC",
        "https://cdn.example/f.woff2",
        "https://cdn.example/reset.css",
    ]

    script = """document.head.innerHTML+='<script src="https://cdn.example/a.js"></script>';
      // see https://github.com/example for details
      const link = "https://example.com/docs";"""
    assert external_loads(script, ".js") == ["https://cdn.example/a.js"]


# --- generated pages -----------------------------------------------------------------------


def _schema(root: Path, kind: str, schema: dict) -> None:
    (root / "schemas").mkdir(exist_ok=True)
    (root / "schemas" / f"{kind}.schema.json").write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")


def test_fields_page_orders_known_kinds_first_then_alphabetically(tmp_path: Path) -> None:
    for kind in ("zeta", "units", "alpha", "visit", "letter"):
        _schema(tmp_path, kind, {"type": "object", "properties": {f"{kind}_field": {"type": "string"}}})
    page = sitegen.generated_pages(tmp_path)["fields.md"]
    headings = re.findall(r"^## (.+)$", page, flags=re.MULTILINE)
    assert headings == [
        "回访记录 {#visit}",
        "复函记录 {#letter}",
        "组织机构 {#units}",
        "alpha {#alpha}",
        "zeta {#zeta}",
    ]
    assert "定义文件：`schemas/visit.schema.json`" in page


def test_fields_page_prefers_the_schema_title(tmp_path: Path) -> None:
    _schema(tmp_path, "visit", {"title": "客户回访记录", "properties": {}})
    assert "## 客户回访记录 {#visit}" in sitegen.generated_pages(tmp_path)["fields.md"]


def test_fields_page_without_schemas(tmp_path: Path) -> None:
    page = sitegen.generated_pages(tmp_path)["fields.md"]
    assert page.startswith("# 记录格式说明\n")
    assert "还没有记录格式定义" in page


def test_broken_schema_is_reported_with_its_file(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "visit.schema.json").write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match=r"visit\.schema\.json 不是有效的 JSON"):
        sitegen.generated_pages(tmp_path)


def test_write_pages_and_command_line(tmp_path: Path) -> None:
    _schema(tmp_path, "visit", {"title": "回访记录", "properties": {"id": {"type": "string"}}})
    written = sitegen.write_pages(tmp_path, tmp_path / "out")
    pages = sitegen.generated_pages(tmp_path)
    assert sorted(written) == sorted(tmp_path / "out" / name for name in pages)
    expected = pages["fields.md"]
    assert (tmp_path / "out" / "fields.md").read_text(encoding="utf-8") == expected

    out = tmp_path / "cli"
    assert sitegen.main(["--out", str(out), "--root", str(tmp_path)]) == 0
    assert (out / "fields.md").read_text(encoding="utf-8") == expected


# --- the real build ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(REPO / "mkdocs.yml"),
         "--site-dir", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "CALLBACK_AS_OF": AS_OF, "CALLBACK_ARCHIVE_ROOT": ""},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_fields_page_lists_every_top_level_property(site: Path) -> None:
    html = (site / "fields" / "index.html").read_text(encoding="utf-8")
    visit = REPO / "schemas" / "visit.schema.json"
    paths = [visit] if visit.exists() else sorted((REPO / "schemas").glob("*.schema.json"))
    if not paths:
        assert "还没有记录格式定义" in html
    for path in paths:
        properties = json.loads(path.read_text(encoding="utf-8"))["properties"]
        assert properties
        for name in properties:
            assert f"<code>{name}</code>" in html, f"{path.name}: {name}"


def test_rules_page_has_an_anchor_for_every_article(site: Path) -> None:
    html = (site / "rules" / "index.html").read_text(encoding="utf-8")
    for n in range(1, 31):
        assert f'id="article-{n}"' in html
    assert 'id="article-31"' not in html


def test_nothing_is_loaded_from_another_host(site: Path) -> None:
    built = [p for p in site.rglob("*") if p.suffix in {".html", ".css", ".js"}]
    assert any(p.suffix == ".css" for p in built) and any(p.suffix == ".js" for p in built)
    found = {
        str(p.relative_to(site)): loads
        for p in built
        if (loads := external_loads(p.read_text(encoding="utf-8"), p.suffix))
    }
    assert found == {}


# Runs the site's own search worker (Material's lunr integration) under node, as a browser would.
_SEARCH_JS = r"""
const fs = require("fs"), path = require("path"), vm = require("vm");
const [site, ...queries] = process.argv.slice(2);
const dir = path.join(site, "assets/javascripts/workers");
const worker = fs.readdirSync(dir).find(f => /^search\.[0-9a-f]+\.min\.js$/.test(f));
let handler, reply;
Object.assign(globalThis, {
  self: globalThis,
  addEventListener: (_, fn) => { handler = fn; },
  postMessage: message => { reply = message; },
  importScripts: (...urls) => urls.forEach(u => vm.runInThisContext(fs.readFileSync(path.join(dir, u), "utf8"))),
});
vm.runInThisContext(fs.readFileSync(path.join(dir, worker), "utf8"));
const index = JSON.parse(fs.readFileSync(path.join(site, "search/search_index.json"), "utf8"));
const settle = () => new Promise(resolve => setTimeout(resolve, 0));
(async () => {
  handler({ data: { type: 0, data: { ...index, options: { suggest: false } } } });
  await settle();
  const hits = {};
  for (const query of queries) {
    handler({ data: { type: 2, data: query } });
    await settle();
    hits[query] = reply.data.items.flat().filter(item => item.score > 0).map(item => item.location);
  }
  console.log(JSON.stringify(hits));
})();
"""


def test_chinese_search_finds_the_sections_that_contain_the_words(site: Path, tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("没有 node，无法运行网站自带的搜索程序")
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    queries = ["抢修", "不满意", "连心卡", "满意度", "35KV", "satisfaction"]
    containing = {q: {d["location"] for d in docs if q in d["title"] + d["text"]} for q in queries}
    assert "rules/#article-15" in containing["抢修"]

    script = tmp_path / "search.js"
    script.write_text(_SEARCH_JS, encoding="utf-8")
    result = subprocess.run([node, str(script), str(site), *queries], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    for query in queries:
        if containing[query]:
            assert containing[query] & set(hits[query]), f"搜索“{query}”没有找到含有它的章节"


def test_workbooks_made_by_the_worker_are_in_the_built_site(site: Path) -> None:
    """The hook writes the workbooks after the pages (a worker process makes them meanwhile): every month's is there,
    byte for byte what ``generated_pages`` gives."""
    from callback_archive.timeutil import parse_time

    pages = sitegen.generated_pages(REPO, parse_time(AS_OF))
    workbooks = {path: content for path, content in pages.items() if path.endswith(".xlsx")}
    assert workbooks
    for path, content in workbooks.items():
        assert (site / path).read_bytes() == content, path


def test_not_found_page_is_in_chinese_and_links_home_and_the_lookup(site: Path) -> None:
    page = (site / "404.html").read_text(encoding="utf-8")
    assert "404 - 页面不存在" in page
    assert "Not found" not in page
    # Served at any depth: the links start from the site's root.
    assert '<a href="/">首页</a>' in page
    assert '<a href="/archive/">回访档案</a>' in page


def test_the_workbook_worker_ends_when_its_parent_is_stopped_alone(tmp_path: Path) -> None:
    """A parent killed without its worker (``kill -INT <pid>``, a CI timeout): the worker follows it, and
    releases the output pipes a caller waits on."""
    script = ("import os; from callback_archive.site.sections import worker_pool; "
              "print(worker_pool().submit(os.getpid).result(), flush=True); os._exit(0)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=REPO)
    worker = int(result.stdout)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{worker}/stat").read_text().split(") ")[1][0]
        except (FileNotFoundError, ProcessLookupError):
            return
        if state in "ZX":  # ended; nobody has reaped it yet
            return
        time.sleep(0.2)
    pytest.fail("父进程结束后，生成工作簿的子进程仍在运行")


def test_the_page_generator_reports_a_broken_schema_in_chinese(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "visit.schema.json").write_text("{", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "callback_archive.site.generate", "--out", str(tmp_path / "out"),
                             "--root", str(tmp_path)], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "生成网站页面：错误：" in result.stderr and "visit.schema.json 不是有效的 JSON" in result.stderr


def test_the_page_generator_stopped_with_ctrl_c_says_so_and_leaves_no_partial_file(tmp_path: Path) -> None:
    """SIGINT to the command alone, once it has started writing: a short Chinese line, status 130, every file
    written whole (no temporary file left), and the workbook worker gone with it (the pipes close)."""
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "callback_archive.site.generate", "--out", str(out)],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not out.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert "Traceback" not in stderr
    if process.returncode != 0:  # not finished before the signal (a fast machine may finish first)
        assert process.returncode == 130 and "已中断（Ctrl+C）" in stderr, stderr
    assert [p.name for p in out.rglob("*") if is_working_file(p.name)] == []
