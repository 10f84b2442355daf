#!/usr/bin/env python3
"""根据 records/units.yaml 生成 GitHub、GitLab、Gitea 的 CODEOWNERS 和合并请求模板；--check 检查是否过期。与 `callback codeowners` 相同，用法见 `callback codeowners --help`。"""

import _project  # noqa: E402,F401  the repository's .venv and import path (scripts/_project.py)

from callback_archive.codeowners import main  # noqa: E402
from callback_archive.cli.guard import run_command  # noqa: E402

if __name__ == "__main__":
    run_command(main)
