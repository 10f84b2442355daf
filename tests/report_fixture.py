"""A small archive for the monthly report's tests: late callbacks (one undecided, one decided, one
waived), a dissatisfied customer whose words try to inject HTML and Markdown, a conduct complaint
and a letter with a hostile subject; all in 2026-11."""

from __future__ import annotations

import json
from pathlib import Path

from callback_archive.archive import open_archive
from callback_archive.reports.monthly import month_summary
from callback_archive.timeutil import parse_time
from conftest import AS_OF, REPO, add_visit, place, visit_yaml

HOSTILE_OPINION = ('<script>alert(1)</script> [点我](javascript:alert(1)) <img src=x onerror=alert(1)> '
                   'a|b *粗* _斜_ `码` {: onclick="alert(1)" } &amp;')
HOSTILE_FOLLOW_UP = "# 不是标题 <b>不是粗体</b>"
HOSTILE_SUBJECT = "反映 | 小区 *频繁* 停电 <b>"
STAFF = "王小明"


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def build_fixture(root: Path) -> None:
    for n, (archived, visited) in enumerate(
            [("2026-11-20T08:00:00+08:00", "2026-11-21 10:00"),
             ("2026-11-21T08:00:00+08:00", "2026-11-22 10:00"),
             ("2026-11-22T08:00:00+08:00", "2026-11-23 10:00")], 1):
        add_visit(root, f"HF-202611{20 + n}-0001", order=f"GD20261120000{n}", archived=archived, visited=visited)
    add_visit(root, "HF-20261126-0001", unit="marketing", category="other", kind="complaint", order="GD2026112500001")
    hostile = visit_yaml("HF-20261126-0002", unit="xinbei", order="GD2026112500002").replace(
        "satisfaction: satisfied\n",
        f"satisfaction: dissatisfied\nopinion: {_quoted(HOSTILE_OPINION)}\nfollow_up: {_quoted(HOSTILE_FOLLOW_UP)}\n"
        f"conduct:\n  staff: {STAFF}\n  description: {_quoted('态度<script>x</script>')}\n")
    place(root, "records/visits/xinbei/2026/11/HF-20261126-0002.yaml", hostile)
    place(root, "records/letters/marketing/2026/11/FH-20261102-0001.yaml", f"""\
id: FH-20261102-0001
unit: marketing
kind: complaint
received_at: 2026-11-02
reply_required: true
sender: {{name: 张建民, group: npc-deputy}}
subject: {_quoted(HOSTILE_SUBJECT)}
replied_at: 2026-11-06
reply: 已安排线路改造。
originals: {{incoming: 档案盒 FH-2026-07, reply: 档案盒 FH-2026-07}}
""")
    place(root, "records/decisions/2026-11.yaml", """\
month: "2026-11"
decided_by: 营销部 周建国
decided_at: "2026-11-25"
decisions:
- case: tanggu-GD202611200002
  head_amount: 300
  reason: 首次发生，按 300 元考核。
- case: tanggu-GD202611200003
  waive: true
  reason: 客户电话为空号，已补登。
""")


def fixture_summary(root: Path) -> dict:
    """The 2026-11 summary of the fixture archive written into ``root``."""
    build_fixture(root)
    return month_summary(open_archive(root, as_of=parse_time(AS_OF), git=False), (2026, 11))


def sample_summary() -> dict:
    """The 2026-10 summary of the repository's sample archive."""
    return month_summary(open_archive(REPO, as_of=parse_time(AS_OF), git=False), (2026, 10))
