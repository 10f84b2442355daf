"""The clerks' form (/admin/, Decap CMS) in Debian's Chromium, in local mode: the built site and decap-server
(npm, pinned; ``npm ci``) over a temporary copy of the archive. A clerk records a repair callback and a letter;
the files land where the archive expects them and scripts/validate.py accepts them with no finding. A required
field left empty is refused in Chinese. Hostile text saved through the form is text on the site and in the
workbook. The form's pages pass axe-core. Without Chromium or Node the tests skip on a developer's machine and
fail in CI.

Screenshots go to the test's folder; with ``CALLBACK_GUIDE_SCREENSHOTS=1`` also to docs/assets/clerk-form/
(the pictures of the guide's section for clerks).
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from openpyxl import load_workbook

from browser_fixtures import unavailable
from conftest import AS_OF, REPO
from site_fixture import build_site, build_site_archive
from test_accessibility import AXE, _violations

DECAP_SERVER = REPO / "node_modules" / "decap-server" / "dist" / "index.js"
GUIDE_PICTURES = REPO / "docs" / "assets" / "clerk-form"
REPAIR_ORDER, HOSTILE_ORDER = "GD2026112500777", "GD2026112500778"  # work orders the clerk calls back about
HOSTILE = '<script>alert(1)</script> =HYPERLINK("http://x","点我")'


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


@pytest.fixture(scope="module")
def form_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample archive, plus the repair work orders the clerk calls back about."""
    return _with_repair_orders(build_site_archive(tmp_path_factory.mktemp("form-archive")), REPAIR_ORDER, HOSTILE_ORDER)


def _with_repair_orders(root: Path, *orders: str) -> Path:
    """The archive at ``root`` with repair work orders of tanggu, archived 2026-11-25 08:00, to call back about."""
    with open(root / "records/orders/2026-11.csv", "a", encoding="utf-8") as listed:
        for order in orders:
            listed.write(f"{order},repair,tanggu,0212345678,residential,2026-11-25 08:00:00,\n")
    return root


@pytest.fixture(scope="module")
def form_site(form_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server, url = _serve(build_site(form_archive, tmp_path_factory.mktemp("form-site")))
    yield url
    server.shutdown()
    server.server_close()


def _decap_server(folder: Path, mode: str) -> Iterator[int]:
    """decap-server over ``folder``: ``fs`` writes files (as on a clerk's laptop), ``git`` keeps each entry on its own
    branch cms/… until it is published (the editorial workflow, as with a Git host's pull requests)."""
    node = shutil.which("node")
    if node is None or not DECAP_SERVER.is_file():
        unavailable("没有 Node.js 或 node_modules/decap-server（在仓库目录运行 npm ci）")
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "GIT_REPO_DIRECTORY": str(folder), "MODE": mode,
           "BIND_HOST": "localhost", "LOG_LEVEL": "error"}
    process = subprocess.Popen([node, str(DECAP_SERVER)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("localhost", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("decap-server 没有启动：" + process.stderr.read().decode("utf-8", "replace")[-500:])
            time.sleep(0.2)
    yield port
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def local_backend(form_archive: Path) -> Iterator[int]:
    """decap-server writing into the archive copy (its file-system mode, as on a clerk's laptop)."""
    yield from _decap_server(form_archive, "fs")


@contextmanager
def _logged_in(browser, site_url: str, port: int, expected_dialogs: tuple[str, ...] = ()) -> Iterator:
    """/admin/ in local mode, logged in: nothing is loaded except from the site and the local backend, and no
    dialog appears but the ``expected_dialogs`` (accepted)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai", accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(15000)
    tab.requests, tab.dialogs = [], []
    tab.on("request", lambda request: tab.requests.append(request.url))

    def answer(dialog) -> None:
        if dialog.message in expected_dialogs:
            dialog.accept()
        else:
            tab.dialogs.append(dialog.message)
            dialog.dismiss()

    tab.on("dialog", answer)
    tab.goto(f"{site_url}admin/?local={port}")
    tab.get_by_role("button", name="登录").click()
    tab.get_by_text("集合", exact=True).wait_for()
    yield tab
    context.close()
    allowed = (site_url, f"http://localhost:{port}/", "data:", "blob:")
    assert [url for url in tab.requests if not url.startswith(allowed)] == [], "登记表单从其他主机加载了内容"
    assert tab.dialogs == [], "页面弹出了对话框：有脚本被执行"


@pytest.fixture
def form(browser, form_site: str, local_backend: int):
    """/admin/ in local mode (files written directly), logged in."""
    with _logged_in(browser, form_site, local_backend) as tab:
        yield tab


def _picture(page, tmp: Path, name: str) -> None:
    page.screenshot(path=str(tmp / name), full_page=False)
    if os.environ.get("CALLBACK_GUIDE_SCREENSHOTS"):
        GUIDE_PICTURES.mkdir(parents=True, exist_ok=True)
        shutil.copy(tmp / name, GUIDE_PICTURES / name)


def _new(page, collection: str) -> None:
    """The clerk clicks the collection on the left, then its “＋” button: the same as opening its new-entry page."""
    page.goto(page.url.split("#")[0] + f"#/collections/{collection}/new")
    page.get_by_text("中编写", exact=False).first.wait_for()


def _new_as_the_guide_says(page, label: str) -> None:
    """docs/guide.md, 在浏览器里用登记表单, step 1: the category on the left, then “＋ <category>”."""
    page.get_by_role("link", name=label, exact=True).click()
    page.get_by_text(f"＋ {label}", exact=True).click()  # what the button shows (its accessible name is longer)
    page.get_by_text("中编写", exact=False).first.wait_for()


def _choose(page, label: str, option: str) -> None:
    page.get_by_label(label, exact=True).click()
    page.get_by_text(option, exact=True).click()


def _publish(page) -> None:
    page.get_by_role("button", name="发布").click()
    page.get_by_role("menuitem", name="立即发布").click()


def _fill_repair(page, opinion: str | None = None, order: str = REPAIR_ORDER) -> None:
    _choose(page, "责任单位（第九条）", "塘沽供电分公司（tanggu）")
    page.get_by_label("户号", exact=True).fill("0212345678")
    page.get_by_label("客户名称", exact=True).fill("张三")
    page.get_by_label("联系电话 (可选)", exact=True).fill("13800001234")
    _choose(page, "用电类型", "居民客户（residential）")
    page.get_by_label("工单号", exact=True).fill(order)
    page.get_by_label("归档时间", exact=True).fill("2026-11-25T08:00")
    _choose(page, "回访方式（第六条）", "电话（phone）")
    page.get_by_label("回访时间", exact=True).fill("2026-11-25T10:00")
    page.get_by_label("回访人", exact=True).fill("李敏")
    _choose(page, "回访内容（第七条）", "供电抢修（repair）")
    page.get_by_label("是否联系上", exact=True).click()
    if opinion is None:
        _choose(page, "满意度 (可选)", "满意（satisfied）")
    else:
        _choose(page, "满意度 (可选)", "不满意（dissatisfied）")
        page.get_by_label("客户意见（第二十一条） (可选)", exact=True).fill(opinion)
        page.get_by_label("整改措施（第二十三条） (可选)", exact=True).fill(opinion)


def _saved(root: Path, folder: str, before: set[Path]) -> Path:
    """The one file the form added under ``folder`` (waits for the save to reach the disk)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        added = set((root / folder).rglob("*.yaml")) - before
        if added:
            assert len(added) == 1, added
            return added.pop()
        time.sleep(0.2)
    pytest.fail(f"表单没有在 {folder} 下保存文件")


def _findings(root: Path, path: Path) -> list[dict]:
    result = subprocess.run([sys.executable, str(REPO / "scripts/validate.py"), "--root", str(root), "--as-of", AS_OF,
                             "--format", "json", str(path.relative_to(root))],
                            cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)["findings"]


def test_a_clerk_records_a_repair_callback_and_a_letter(form, form_archive: Path, tmp_path: Path) -> None:
    assert form.get_by_text("工作流", exact=False).count() == 0  # local file mode: saving writes the file
    assert not form.get_by_text("媒体", exact=True).is_visible(), "表单没有附件，顶栏不该有“媒体”"
    _picture(form, tmp_path, "1-collections.png")
    before = set((form_archive / "records/visits").rglob("*.yaml"))
    _new(form, "visit-repair")
    _fill_repair(form)
    _picture(form, tmp_path, "2-repair-form.png")
    _publish(form)
    visit = _saved(form_archive, "records/visits", before)
    assert visit.parent.relative_to(form_archive).as_posix() == "records/visits/tanggu/2026/11"
    assert visit.stem.startswith("HF-20261125-") and 5000 <= int(visit.stem[-4:]) <= 9799
    text = visit.read_text(encoding="utf-8")
    assert text.startswith(f"id: {visit.stem}\ncategory: repair\nunit: tanggu\n")
    for line in ('account: "0212345678"', 'phone: "13800001234"', "archived_at: 2026-11-25T08:00:00+08:00",
                 "visited_at: 2026-11-25T10:00:00+08:00", "reached: true", "satisfaction: satisfied"):
        assert line in text
    assert _findings(form_archive, visit) == []
    form.get_by_text("已发布").first.wait_for()

    before = set((form_archive / "records/letters").rglob("*.yaml"))
    _new(form, "letter")
    _choose(form, "责任单位（第九条）", "营销部（marketing）")
    _choose(form, "来函类型（第十六条）", "投诉（complaint）")
    form.get_by_label("收函日期", exact=True).fill("2026-11-25")
    form.get_by_label("是否要求复函", exact=True).click()
    form.get_by_label("来函人姓名或单位", exact=True).fill("赵六")
    _choose(form, "来函人类别", "人大代表（npc-deputy）")
    form.get_by_label("来函事由", exact=True).fill("抢修到场慢")
    _publish(form)
    letter = _saved(form_archive, "records/letters", before)
    assert letter.parent.relative_to(form_archive).as_posix() == "records/letters/marketing/2026/11"
    assert letter.stem.startswith("FH-20261125-")
    text = letter.read_text(encoding="utf-8")
    assert text.startswith(f"id: {letter.stem}\nunit: marketing\nkind: complaint\nreceived_at: 2026-11-25\n")
    assert _findings(form_archive, letter) == []


def test_the_form_pages_have_no_serious_or_critical_wcag_violation(form) -> None:
    """axe-core covers the login page with every page of the site (test_accessibility); here the pages behind it
    (the review workflow's pages: in its test)."""
    found = []
    # The form page last: leaving a form with unsaved values asks “你确定要离开此页面吗？”.
    for route, shown in (("#/collections/visit-repair", "集合"), ("#/collections/letter", "集合"),
                         ("#/collections/visit-repair/new", "中编写")):
        form.goto(form.url.split("#")[0] + route)
        form.get_by_text(shown).first.wait_for()
        found += _blocking_violations(form, route)
    assert found == []


def test_a_rule_the_fields_cannot_express_is_checked_before_saving(form, form_archive: Path) -> None:
    before = set((form_archive / "records").rglob("*.yaml"))
    _new(form, "visit-repair")
    _fill_repair(form)
    _choose(form, "满意度 (可选)", "不满意（dissatisfied）")
    _publish(form)
    form.get_by_text("客户不满意时必须填写整改措施", exact=False).first.wait_for()
    assert set((form_archive / "records").rglob("*.yaml")) == before


def test_hostile_text_saved_by_the_form_is_text_on_the_site_and_in_the_workbook(
        form, browser, form_archive: Path, tmp_path: Path) -> None:
    before = set((form_archive / "records/visits").rglob("*.yaml"))
    _new(form, "visit-repair")
    _fill_repair(form, opinion=HOSTILE, order=HOSTILE_ORDER)
    _publish(form)
    visit = _saved(form_archive, "records/visits", before)
    assert [f["code"] for f in _findings(form_archive, visit)] == []
    site = build_site(form_archive, tmp_path / "site")
    page_file = site / "archive" / "2026-11" / "tanggu" / "index.html"
    assert page_file.is_file()
    server, url = _serve(site)
    try:
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(f"{url}archive/2026-11/tanggu/#{visit.stem}")
        block = page.locator(f"[id='{visit.stem}']")
        assert HOSTILE in block.inner_text()
        assert block.locator("script").count() == 0 and dialogs == []
        page.close()
    finally:
        server.shutdown()
        server.server_close()
    cells = [cell for book in site.rglob("*2026-11*.xlsx") for sheet in load_workbook(book)
             for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str) and "HYPERLINK" in cell.value]
    assert cells and all(cell.data_type == "s" and cell.value.endswith(HOSTILE) for cell in cells)


# --- the review workflow: each record on its own branch until a reviewer publishes it ------------------------------

PUBLISH_CONFIRM = "你确定要发布此内容吗？"  # Decap asks before it merges an entry


@pytest.fixture(scope="module")
def review_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample archive as a Git repository on ``main``, with the repair work order the clerk calls back about."""
    root = _with_repair_orders(build_site_archive(tmp_path_factory.mktemp("review-archive")), REPAIR_ORDER)
    _git(root, "init", "--quiet", "--initial-branch=main")
    _git(root, "config", "user.name", "登记表单")
    _git(root, "config", "user.email", "form@binhai.example")
    _git(root, "add", "--all")
    _git(root, "commit", "--quiet", "--message", "样例档案")
    return root


@pytest.fixture(scope="module")
def review_backend(review_archive: Path) -> Iterator[int]:
    """decap-server's Git mode: the editorial workflow a Git host gives with pull requests, on the clerk's computer."""
    yield from _decap_server(review_archive, "git")


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


def _entry_branches(root: Path) -> list[str]:
    return _git(root, "for-each-ref", "--format=%(refname:short)", "refs/heads/cms/").split()


def _until(condition, failure: str, page=None):
    """``condition()`` once it is true (the form's saves reach Git a moment after the page says so). With a ``page``
    the wait lets Playwright work meanwhile (its route handlers run only then)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if page is None:
            time.sleep(0.2)
        else:
            page.wait_for_timeout(200)
    pytest.fail(failure)


def _blocking_violations(page, where: str) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 AA violations on the page as it is now."""
    if not AXE.is_file():
        unavailable("没有 node_modules/axe-core（在仓库目录运行 npm ci）")
    page.wait_for_timeout(500)  # Decap's transitions
    return [f"{where}: {v['id']}（{v['impact']}）{v['nodes'][0]['target']}"
            for v in _violations(page, AXE.read_text(encoding="utf-8"))]


def _ci_findings(root: Path, revision: str, path: str, tmp_path: Path) -> list[dict]:
    """What the validate workflow (.github/workflows/validate.yml) says about ``path`` on a checkout of ``revision``:
    ``validate --base main``, as on a pull request into main."""
    checkout = tmp_path / f"checkout-{len(list(tmp_path.glob('checkout-*')))}"
    _git(root, "worktree", "add", "--quiet", "--detach", str(checkout), revision)
    try:
        result = subprocess.run([sys.executable, str(REPO / "scripts/validate.py"), "--root", str(checkout),
                                 "--as-of", AS_OF, "--format", "json", "--base", "main"],
                                cwd=checkout, capture_output=True, text=True)
    finally:
        _git(root, "worktree", "remove", "--force", str(checkout))
    assert result.returncode == 0, result.stdout + result.stderr
    return [finding for finding in json.loads(result.stdout)["findings"] if finding["file"] == path]


def test_in_the_review_workflow_a_record_is_a_branch_that_ci_checks_and_a_reviewer_publishes(
        browser, form_site: str, review_archive: Path, review_backend: int, tmp_path: Path) -> None:
    """The clerk follows docs/guide.md (the texts it quotes are what this test clicks)."""
    landed = _git(review_archive, "rev-parse", "main")
    with _logged_in(browser, form_site, review_backend) as tab:
        _new_as_the_guide_says(tab, "回访·供电抢修")
        _fill_repair(tab)
        tab.get_by_role("button", name="保存", exact=True).click()
        tab.get_by_text("内容已保存").first.wait_for()
        tab.get_by_role("button", name="状态: 草稿").wait_for()
        _picture(tab, tmp_path, "3-saved.png")
        [branch] = _until(lambda: _entry_branches(review_archive), "表单保存后没有建立记录的分支")
        tab.get_by_label("回访人", exact=True).fill("李敏敏")  # saved again in the same session
        tab.get_by_role("button", name="保存", exact=True).click()
        _until(lambda: "+visitor: 李敏敏\n" in _git(review_archive, "log", "-p", "-1", branch),
               "同一会话中再次保存没有写进分支")
    assert branch.startswith("cms/visit-repair/hf-20261125-")
    assert _git(review_archive, "rev-parse", "main") == landed, "保存（未发布）的记录不能进入 main"
    assert _entry_branches(review_archive) == [branch]
    [path] = _git(review_archive, "diff", "--name-only", "main", branch).split()
    assert "visitor: 李敏敏\n" in _git(review_archive, "show", f"{branch}:{path}")
    assert re.fullmatch(r"records/visits/tanggu/2026/11/HF-20261125-[5-9][0-9]{3}\.yaml", path), path
    assert _ci_findings(review_archive, branch, path, tmp_path) == []

    # Later, in another browser session: the entry is reopened from the workflow board, changed, sent for review
    # and published by the reviewer.
    with _logged_in(browser, form_site, review_backend, expected_dialogs=(PUBLISH_CONFIRM,)) as tab:
        tab.goto(tab.url.split("#")[0] + "#/workflow")
        card = tab.get_by_text(Path(path).stem, exact=True)
        card.wait_for()
        board = tab.locator("body").inner_text()
        assert "审核中" in board and "新建记录" in board and re.search(r"\d+月\d+日", board), board
        _picture(tab, tmp_path, "6-workflow.png")
        found = _blocking_violations(tab, "#/workflow")
        card.click()
        tab.get_by_text("中编写", exact=False).first.wait_for()
        tab.get_by_role("button", name="状态: 草稿").wait_for()
        found += _blocking_violations(tab, "entry")
        assert found == []
        assert tab.get_by_label("户号", exact=True).input_value() == "0212345678"
        tab.get_by_label("回访人", exact=True).fill("王芳")
        tab.get_by_role("button", name="保存", exact=True).click()
        _until(lambda: "visitor: 王芳\n" in _git(review_archive, "show", f"{branch}:{path}"), "再次保存没有写进分支")
        assert _git(review_archive, "diff", "--name-only", "main", branch).split() == [path], "再次保存必须改同一个文件"
        tab.get_by_role("button", name="状态: 草稿").click()
        _picture(tab, tmp_path, "5-status.png")
        tab.get_by_role("menuitem", name="就绪").click()
        _until(lambda: _git(review_archive, "config", f"branch.{branch}.description").strip()
               == "decap-cms/pending_publish", "状态没有改为就绪")
        tab.get_by_role("button", name="发布", exact=True).click()
        tab.get_by_role("menuitem", name="立即发布").click()
        _until(lambda: not _entry_branches(review_archive), "发布后记录的分支仍在")
    assert path in _git(review_archive, "ls-tree", "-r", "--name-only", "main").split()
    assert "visitor: 王芳\n" in _git(review_archive, "show", f"main:{path}")
    assert _ci_findings(review_archive, "main", path, tmp_path) == []


def test_a_required_field_left_empty_is_refused_in_chinese(
        browser, form_site: str, review_archive: Path, review_backend: int, tmp_path: Path) -> None:
    branches, landed = _entry_branches(review_archive), _git(review_archive, "rev-parse", "main")
    with _logged_in(browser, form_site, review_backend) as tab:
        _new(tab, "visit-repair")
        _choose(tab, "责任单位（第九条）", "塘沽供电分公司（tanggu）")
        tab.get_by_role("button", name="保存", exact=True).click()
        tab.get_by_text("你漏掉了一个必填项，请在保存之前将它填写好").wait_for()
        assert tab.get_by_text("“户号”是必填项").is_visible()
        _picture(tab, tmp_path, "4-required.png")
    assert _entry_branches(review_archive) == branches and _git(review_archive, "rev-parse", "main") == landed
    assert _git(review_archive, "status", "--porcelain") == ""


@pytest.mark.parametrize("mode", ["file", "review"])
def test_two_records_saved_in_the_same_moment_get_different_ids(
        request, browser, form_site: str, mode: str) -> None:
    """Both are numbered from the same 18 seconds of the same day: the second moves on past the first, whether
    that one is already in the archive (file mode) or still in its own pull request (review workflow)."""
    root = request.getfixturevalue("form_archive" if mode == "file" else "review_archive")
    port = request.getfixturevalue("local_backend" if mode == "file" else "review_backend")
    def saved() -> set:  # what the saves made: files in file mode, branches in the review workflow
        return set((root / "records/visits").rglob("*.yaml")) if mode == "file" else set(_entry_branches(root))

    before = saved()
    with _logged_in(browser, form_site, port) as tab:
        tab.clock.set_fixed_time("2026-11-25T10:30:00+08:00")  # number 5000 + 37800 s / 18 = 7100
        for count in (1, 2):
            _new(tab, "visit-repair")
            _fill_repair(tab)
            if mode == "file":
                _publish(tab)
            else:
                tab.get_by_role("button", name="保存", exact=True).click()
            _until(lambda: len(saved() - before) == count, f"第 {count} 条记录没有保存")
            tab.wait_for_url(re.compile(r"/entries/"))  # Decap shows the saved entry: the save is over
    paths = {}
    for made in saved() - before:
        if mode == "file":
            paths[made.relative_to(root).as_posix()] = made.read_text(encoding="utf-8")
        else:
            [path] = _git(root, "diff", "--name-only", "main", made).split()
            paths[path] = _git(root, "show", f"{made}:{path}")
    ids = sorted(Path(path).stem for path in paths)
    assert len(ids) == 2 and ids[0] != ids[1] and all(i.startswith("HF-20261125-") and int(i[-4:]) >= 7100 for i in ids)
    for path, text in paths.items():
        assert path.startswith("records/visits/tanggu/2026/11/") and text.startswith(f"id: {Path(path).stem}\n")


def test_a_simultaneous_save_that_decap_renames_still_gets_its_own_id(
        browser, form_site: str, review_archive: Path, review_backend: int) -> None:
    """Two clerks save at the same moment: the second browser has not seen the first one's entry when it numbers
    its own (here: the list of open entries is hidden from it), so Decap finds the branch taken and adds “-1” to the
    slug; the form then moves the number on, and the file keeps its archive path and an id of its own."""
    def hide_open_entries(route) -> None:
        if json.loads(route.request.post_data or "{}").get("action") == "unpublishedEntries":
            route.fulfill(status=200, content_type="application/json", body="[]")
        else:
            route.continue_()

    before = set(_entry_branches(review_archive))
    ids = []
    for hidden in (False, True):
        with _logged_in(browser, form_site, review_backend) as tab:
            tab.clock.set_fixed_time("2026-11-26T09:00:00+08:00")  # number 5000 + 32400 s / 18 = 6800
            if hidden:
                tab.route(f"http://localhost:{review_backend}/api/v1", hide_open_entries)
            _new(tab, "visit-repair")
            _fill_repair(tab)
            tab.get_by_role("button", name="保存", exact=True).click()
            [branch] = _until(lambda: set(_entry_branches(review_archive)) - before, "记录没有保存", tab)
            tab.wait_for_url(re.compile(r"/entries/"))
        before.add(branch)
        [path] = _git(review_archive, "diff", "--name-only", "main", branch).split()
        assert path.startswith("records/visits/tanggu/2026/11/HF-20261125-")
        assert _git(review_archive, "show", f"{branch}:{path}").startswith(f"id: {Path(path).stem}\n")
        ids.append((branch, Path(path).stem))
    (first_branch, first), (second_branch, second) = ids
    assert second_branch == first_branch + "-1", "Decap 应给后保存的分支名加“-1”"
    assert int(second[-4:]) == int(first[-4:]) + 1
