#!/usr/bin/env python3
"""Benchmark of the archive website: ``mkdocs build --strict`` of an archive, timed, with the sizes that matter.

Prints the build time, the size of the search index (what every visitor's browser loads and indexes),
the largest page and the number of pages and files. Defaults to the repository's own sample archive.

    python benchmarks/site_build.py [--root DIR] [--as-of 2026-11-26T09:00] [--site-dir DIR]

A big year for comparison: ``python benchmarks/generate_big_year.py --out /tmp/big`` and then
``python benchmarks/site_build.py --root /tmp/big --as-of 2027-01-08T09:00``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LIMITS = {"build_seconds": 90, "page_bytes": 2 * 1024 * 1024, "index_bytes": 20 * 1024 * 1024}


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.2f} MB"


def build(root: Path, as_of: str | None, site: Path) -> float:
    """Run the real build; returns the seconds it took (the process exits non-zero on any warning)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CALLBACK_ARCHIVE_ROOT": str(root)}
    if as_of:
        env["CALLBACK_AS_OF"] = as_of
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(REPO / "mkdocs.yml"),
         "--site-dir", str(site)],
        cwd=REPO, capture_output=True, text=True, env=env,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"mkdocs build --strict 失败（退出码 {result.returncode}）")
    return seconds


def report(site: Path, seconds: float) -> list[str]:
    pages = sorted(site.rglob("*.html"), key=lambda p: p.stat().st_size)
    index = site / "search" / "search_index.json"
    files = [p for p in site.rglob("*") if p.is_file()]
    largest = pages[-1]
    flag = lambda ok: "" if ok else "  ← 超过目标"  # noqa: E731
    return [
        f"构建时间        {seconds:.1f} 秒（目标 ≤ {LIMITS['build_seconds']} 秒）{flag(seconds <= LIMITS['build_seconds'])}",
        f"搜索索引        {_mb(index.stat().st_size)}（search/search_index.json，目标 < 20 MB）"
        f"{flag(index.stat().st_size < LIMITS['index_bytes'])}",
        f"最大的页面      {_mb(largest.stat().st_size)}（{largest.relative_to(site).as_posix()}，目标 ≤ 2 MB）"
        f"{flag(largest.stat().st_size <= LIMITS['page_bytes'])}",
        f"页面 / 文件     {len(pages)} 个页面，共 {len(files)} 个文件，{_mb(sum(p.stat().st_size for p in files))}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="计时构建档案网站（mkdocs build --strict），并报告搜索索引和最大页面的大小。")
    parser.add_argument("--root", type=Path, default=REPO, help="档案根目录（默认：本仓库的样例档案）")
    parser.add_argument("--as-of", help="网站的“当前时间”，如 2026-11-26T09:00（默认：当前时钟）")
    parser.add_argument("--site-dir", type=Path, help="把网站留在这个文件夹（默认：临时文件夹，用后删除）")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        site = args.site_dir or Path(temporary) / "site"
        seconds = build(args.root.resolve(), args.as_of, site)
        print(f"档案 {args.root.resolve()}")
        print("\n".join(report(site, seconds)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
