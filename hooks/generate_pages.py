"""MkDocs hook: add the pages and files that callback_archive.sitegen generates from the archive.

Only wiring lives here; what the pages say is decided in callback_archive (sitegen and site).
``extra.archive`` in mkdocs.yml names the archive (``root``, default: this repository) and the
moment the site is "as of" (``as_of``, default: now); both can come from the environment.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from callback_archive.sitegen import generated_pages, site_as_of  # noqa: E402


def on_files(files: Files, config: MkDocsConfig) -> Files:
    settings = config.extra.get("archive") or {}
    root = Path(settings.get("root") or REPO_ROOT)
    for src_uri, content in generated_pages(root, site_as_of(settings.get("as_of"))).items():
        files.append(File.generated(config, src_uri, content=content))
    return files
