#!/usr/bin/env python3
"""校验客户回访档案。用法见 `python scripts/validate.py --help`。"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from callback_archive.validate_cli import main  # noqa: E402
from callback_archive.cli import run_command  # noqa: E402

if __name__ == "__main__":
    run_command(main)
