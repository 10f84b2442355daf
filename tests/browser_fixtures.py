"""The built sample site in Debian's Chromium, for every browser test: the archive, the site built once per
session, served on 127.0.0.1, the browser, and a page that asserts nothing was loaded from another host.

Registered in conftest.py (``pytest_plugins``) so that every browser test shares one build.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from site_fixture import build_site, build_site_archive

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def unavailable(reason: str) -> None:
    """In CI the browser test must run: a missing browser fails there and skips only on a developer's machine."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}：CI 中浏览器测试不能跳过（.ci/run 从 Debian 安装 chromium）。")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def archive_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site_archive(tmp_path_factory.mktemp("browser-archive"))


@pytest.fixture(scope="session")
def site(archive_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built once per session."""
    return build_site(archive_root, tmp_path_factory.mktemp("browser-site"))


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    """The built site served over HTTP on 127.0.0.1."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        unavailable("没有 /usr/bin/chromium（apt-get install chromium fonts-noto-cjk）")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("没有安装 playwright（pip install -r requirements-dev.txt）")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, base_url: str):
    """A fresh page that records every request and every dialog; afterwards nothing came from another host."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="zh-CN")
    tab = context.new_page()
    tab.requests, tab.dialogs = [], []
    tab.on("request", lambda request: tab.requests.append(request.url))
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    context.close()
    foreign = [url for url in tab.requests if not url.startswith((base_url, "data:", "blob:"))]
    assert foreign == [], "网站从其他主机加载了内容"
    assert tab.dialogs == [], "页面弹出了对话框：有脚本被执行"


