"""The archive the site tests build: the repository's sample archive plus a visit and a letter whose texts
try to inject HTML and Markdown, and a real ``mkdocs build --strict`` of it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import AS_OF, REPO, place, visit_yaml
from report_fixture import HOSTILE_FOLLOW_UP, HOSTILE_OPINION, HOSTILE_SUBJECT, _quoted

HOSTILE_VISIT = "HF-20261125-0901"
HOSTILE_ORDER = "GD2026112500901"
HOSTILE_LETTER = "FH-20261125-0901"
HOSTILE_PHONE = "13912345678"  # the hostile visit's customer; also written into its follow-up text
HOSTILE_NAME = "王建华"
HOSTILE_SENDER = "张建民"
HOSTILE_SENDER_PHONE = "022-66881234"


def build_site_archive(root: Path) -> Path:
    """Copy the sample archive (records, policy, schemas) to ``root`` and add the hostile records."""
    for name in ("records", "schemas"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "policy.yaml", root / "policy.yaml")
    visit = visit_yaml(HOSTILE_VISIT, unit="xinbei", order=HOSTILE_ORDER, archived="2026-11-25T08:00:00+08:00",
                       visited="2026-11-25 10:00")
    visit = visit.replace('phone: "13800001234"', f'phone: "{HOSTILE_PHONE}"').replace("satisfaction: satisfied\n", (
        f"satisfaction: dissatisfied\nopinion: {_quoted(HOSTILE_OPINION)}\n"
        f"follow_up: {_quoted(HOSTILE_FOLLOW_UP + ' 请回电 ' + HOSTILE_PHONE)}\n"
        f"conduct:\n  staff: 王小明\n  description: {_quoted('态度<script>x</script>')}\n"))
    place(root, f"records/visits/xinbei/2026/11/{HOSTILE_VISIT}.yaml", visit)
    place(root, f"records/letters/marketing/2026/11/{HOSTILE_LETTER}.yaml", f"""\
id: {HOSTILE_LETTER}
unit: marketing
kind: complaint
received_at: 2026-11-25
reply_required: true
sender: {{name: {HOSTILE_SENDER}, group: npc-deputy, phone: "{HOSTILE_SENDER_PHONE}", address: 天津市滨海新区塘沽街道新港路12号}}
subject: {_quoted(HOSTILE_SUBJECT)}
""")
    return root


def build_site(root: Path, out: Path) -> Path:
    """``mkdocs build --strict`` of the repository's site over the archive at ``root``, into ``out``."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(REPO / "mkdocs.yml"),
         "--site-dir", str(out)],
        cwd=REPO, capture_output=True, text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "CALLBACK_ARCHIVE_ROOT": str(root), "CALLBACK_AS_OF": AS_OF},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out
