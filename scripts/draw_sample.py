#!/usr/bin/env python3
"""按用电类型分层抽取抽样回访客户。用法见 `python scripts/draw_sample.py --help`。"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from callback_archive.draw_sample_cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
