#!/usr/bin/env python3
"""校验客户回访档案。与 `callback validate` 相同，用法见 `callback validate --help`。"""

import _project  # noqa: E402,F401  the repository's .venv and import path (scripts/_project.py)

from callback_archive.cli.validate import main  # noqa: E402
from callback_archive.cli.guard import run_command  # noqa: E402

if __name__ == "__main__":
    run_command(main)
