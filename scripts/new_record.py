#!/usr/bin/env python3
"""登记一条回访或复函记录，或更正已入库的记录。与 `callback new` 相同，用法见 `callback new --help`。"""

import _project  # noqa: E402,F401  the repository's .venv and import path (scripts/_project.py)

from callback_archive.cli.new import main  # noqa: E402
from callback_archive.cli.guard import run_command  # noqa: E402

if __name__ == "__main__":
    run_command(main)
