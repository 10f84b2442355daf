#!/usr/bin/env python3
"""更新网站 /admin/ 登记表单使用的 Decap CMS（随仓库保存的副本，网站不从外网加载任何脚本）。

    python scripts/update_cms.py                  # 按 vendor/decap-cms.pin.json 重新下载固定版本、核对 SHA-256、更新副本
    python scripts/update_cms.py --version 3.17.0 # 换用另一版本：下载后把新版本和 SHA-256 记入固定文件
    python scripts/update_cms.py --check          # 不联网：核对仓库中的副本与固定文件逐字节相符（测试也这样做）

下载用 ``npm pack``（需要 Node.js 和 npm）。复制的是浏览器运行时加载的文件：decap-cms.js、它按需加载的
编号分块（*.decap-cms.js）和 WebAssembly 文件，以及第三方许可声明（decap-cms.js.LICENSE.txt）；不复制
源映射（*.map）和另一个入口 cms.js。npm 包本身不带 LICENSE 文件，vendor/decap-cms/LICENSE 是上游仓库的
MIT 许可全文，随仓库保存；包声明的许可证不再是 MIT 时本脚本拒绝更新。
"""

import _project  # noqa: E402,F401  the repository's .venv and import path (scripts/_project.py)

from callback_archive.cli.guard import run_command  # noqa: E402
from callback_archive.cli.update_cms import main  # noqa: E402

if __name__ == "__main__":
    run_command(main)
