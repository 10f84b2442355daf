#!/usr/bin/env python3
"""列出逾期和即将到期的回访与复函。与 `callback due` 相同，用法见 `callback due --help`。"""

import _project  # noqa: E402,F401  the repository's .venv and import path (scripts/_project.py)

from callback_archive.cli.due import main  # noqa: E402
from callback_archive.cli.guard import run_command  # noqa: E402

if __name__ == "__main__":
    run_command(main)
