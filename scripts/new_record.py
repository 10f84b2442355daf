#!/usr/bin/env python3
"""登记一条回访或复函记录，或更正已入库的记录。用法见 `python scripts/new_record.py --help`。"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from callback_archive.new_record_cli import main  # noqa: E402
from callback_archive.cli import run_command  # noqa: E402

if __name__ == "__main__":
    run_command(main)
