"""What every script does first: run with the repository's own Python and import its library.

The scripts are shims that keep documented commands working; staff type ``callback validate`` …,
the command ``make setup`` installs into ``.venv`` with the pinned packages. A script started with
another Python (``python scripts/validate.py`` in a terminal where .venv is not activated)
re-runs itself with .venv's, so that staff never meet a missing package or a different version.
The checkout's own library comes first on the import path, so a script runs the code beside it
(``benchmarks/golden_outputs.py --repo`` runs an older checkout's scripts). Without a .venv the
script runs as started, and a missing package is explained in Chinese instead of a traceback.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
# What the library imports from requirements.txt (import names).
REQUIRED = ("yaml", "jsonschema", "jsonschema_rs", "chinese_calendar", "git", "openpyxl", "tqdm")


def _venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _running_in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def use_project_python() -> None:
    """Re-run with .venv's Python when there is one and this is another; make ``callback_archive`` importable."""
    python = _venv_python()
    if python.exists() and not _running_in_venv():
        os.execv(str(python), [str(python), *sys.argv])
    sys.path.insert(0, str(ROOT))
    missing = []
    for name in REQUIRED:
        try:
            __import__(name)
        except ImportError:
            missing.append(name)
    if missing:
        print(f"{Path(sys.argv[0]).name}：错误：当前的 Python（{sys.executable}）缺少所需的程序包（{'、'.join(missing)}）。"
              f"请在仓库目录 {ROOT} 运行 make setup 建立 .venv 并安装依赖，之后脚本会自动使用 .venv 中的 Python；"
              "不用 make 时请运行 python -m pip install -r requirements.txt。", file=sys.stderr)
        sys.exit(2)


use_project_python()
