#!/usr/bin/env python3
"""按用电类型分层抽取抽样回访客户。用法见 `python scripts/draw_sample.py --help`。"""

import sys

import _project  # noqa: E402,F401  the repository's .venv and import path (scripts/_project.py)

from callback_archive.draw_sample_cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
