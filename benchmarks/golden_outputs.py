#!/usr/bin/env python3
"""Golden outputs: what the tools produce on the sample archive at a fixed moment, as one hash per file.

A restructuring of the library must not change a byte of what users see. This script runs the real
commands of a checkout (``scripts/validate.py`` in the JSON and text formats, ``scripts/build_reports.py``
and ``mkdocs build --strict``) on that checkout's own sample archive, as of the sample's reference moment,
and writes the SHA-256 of every output file (main's head commit, which the audit page names, replaced by
``<main>``). ``--compare`` names every file that differs, is missing or is new.

    python benchmarks/golden_outputs.py --save /tmp/before.json                 # this checkout
    python benchmarks/golden_outputs.py --repo /tmp/old-checkout --save /tmp/before.json
    python benchmarks/golden_outputs.py --compare /tmp/before.json [--keep /tmp/outputs]

The commands run with this interpreter (a checkout without its own .venv uses it too) and without
caches, so the figures do not depend on what ran before. Exit status: 0 identical (or saved), 1 different.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from generate_big_year import outside_env

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-26T09:00"
# mkdocs writes the gzip header's time into the compressed sitemap: the plain sitemap beside it is compared.
UNSTABLE = {"site/sitemap.xml.gz"}


def _run(repo: Path, args: list[str], out: Path, env: dict[str, str], outputs: Path) -> None:
    result = subprocess.run([sys.executable, *args], cwd=repo, env=env, capture_output=True)
    out.write_bytes(result.stdout.replace(str(outputs).encode(), b"<outputs>"))  # the folder differs from run to run
    (out.parent / (out.name + ".status")).write_text(f"{result.returncode}\n", encoding="utf-8")
    if result.returncode not in (0, 1):
        sys.stderr.write(result.stderr.decode("utf-8", "replace"))
        raise SystemExit(f"{' '.join(args)} 以退出码 {result.returncode} 结束")


def produce(repo: Path, outputs: Path) -> None:
    """Run every command of ``repo`` on its sample archive, writing into ``outputs``."""
    env = outside_env() | {"CALLBACK_AS_OF": AS_OF, "CALLBACK_ARCHIVE_ROOT": str(repo),
                           "NO_MKDOCS_2_WARNING": "1"}
    (outputs / "validate").mkdir(parents=True)
    for fmt in ("json", "text"):
        _run(repo, ["scripts/validate.py", "--format", fmt, "--no-cache", "--as-of", AS_OF],
             outputs / "validate" / f"validate.{fmt}", env, outputs)
    _run(repo, ["scripts/build_reports.py", "--as-of", AS_OF, "--out", str(outputs / "reports")],
         outputs / "reports.stdout", env, outputs)
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(outputs / "site")],
                   cwd=repo, env=env, check=True)


def main_commit(repo: Path) -> bytes:
    """The commit the audit page names as main's head: it moves with every landing, so it is left out."""
    return subprocess.run(["git", "rev-parse", "main"], cwd=repo, env=outside_env(), capture_output=True,
                          check=True).stdout.strip()


def manifest(outputs: Path, commit: bytes) -> dict[str, str]:
    return {path.relative_to(outputs).as_posix(): hashlib.sha256(path.read_bytes().replace(commit[:10], b"<main>")).hexdigest()
            for path in sorted(outputs.rglob("*")) if path.is_file()
            and path.relative_to(outputs).as_posix() not in UNSTABLE}


def compare(before: dict[str, str], after: dict[str, str]) -> list[str]:
    lines = [f"不同：{name}" for name in sorted(before.keys() & after.keys()) if before[name] != after[name]]
    lines += [f"缺少：{name}" for name in sorted(before.keys() - after.keys())]
    lines += [f"新增：{name}" for name in sorted(after.keys() - before.keys())]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description="样例档案上各命令输出的逐文件哈希（重构前后应完全相同）。")
    parser.add_argument("--repo", type=Path, default=REPO, help="要运行的检出目录（默认本仓库）")
    parser.add_argument("--save", type=Path, help="把哈希清单写到这个文件")
    parser.add_argument("--compare", type=Path, help="与这个哈希清单比较，列出不同的文件")
    parser.add_argument("--keep", type=Path, help="把输出留在这个文件夹（默认用完即删）")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        outputs = args.keep or Path(tmp) / "outputs"
        produce(args.repo.resolve(), outputs)
        hashes = manifest(outputs, main_commit(args.repo))
    print(f"{len(hashes)} 个输出文件（{args.repo}，当前时间按 {AS_OF}）")
    if args.save:
        args.save.write_text(json.dumps(hashes, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if args.compare:
        differences = compare(json.loads(args.compare.read_text(encoding="utf-8")), hashes)
        print("\n".join(differences) if differences else "与清单逐字节相同。")
        return 1 if differences else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
