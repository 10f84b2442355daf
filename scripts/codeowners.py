#!/usr/bin/env python3
"""根据 records/units.yaml 生成 .github/CODEOWNERS；--check 检查是否过期。用法见 `python scripts/codeowners.py --help`。"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from callback_archive.codeowners import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
