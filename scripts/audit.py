#!/usr/bin/env python3
"""档案审计：记录何时合并到 main、超时、补录、更正、作废。与 `callback audit` 相同，用法见 `callback audit --help`。"""

import _project  # noqa: E402,F401  the repository's .venv and import path (scripts/_project.py)

from callback_archive.cli.audit import main  # noqa: E402
from callback_archive.cli.guard import run_command  # noqa: E402

if __name__ == "__main__":
    run_command(main)
