"""scripts/update_cms.py: the vendored Decap CMS behind the site's /admin/ form, pinned by version and SHA-256.

One pin file (``vendor/decap-cms.pin.json``) says which npm package version is vendored, the SHA-256 of its
tarball and the SHA-256 of every vendored file, so that ``--check`` proves offline that the copy in the
repository is exactly what the pinned tarball holds.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from ..safefile import write_atomic
from .guard import CODE_ROOT, ChineseArgumentParser, UsageError

PACKAGE = "decap-cms"
VENDOR = CODE_ROOT / "vendor" / "decap-cms"
PIN = CODE_ROOT / "vendor" / "decap-cms.pin.json"
# Kept across updates: the npm package carries no LICENSE file (its package.json says MIT).
LICENSE = "LICENSE"


def runtime_file(name: str) -> bool:
    """Whether a file of the package's dist/ is loaded by the browser with decap-cms.js: the bundle, the
    chunks it loads on demand and their WebAssembly, plus the third-party licence notices. Not the
    source maps, not the second entry point cms.js and its chunks."""
    if name.endswith(".map"):
        return False
    return (name in ("decap-cms.js", "decap-cms.js.LICENSE.txt") or name.endswith(".decap-cms.js")
            or name.endswith(".wasm"))


def read_pin() -> dict:
    try:
        return json.loads(PIN.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"没有固定文件 {PIN.relative_to(CODE_ROOT)}：用 --version 指定要使用的版本。") from None
    except json.JSONDecodeError as error:
        raise UsageError(f"{PIN.relative_to(CODE_ROOT)} 不是有效的 JSON（第 {error.lineno} 行）。") from None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def vendored_hashes() -> dict[str, str]:
    """Each vendored file (LICENSE aside) → its SHA-256, as the pin file records them."""
    return {path.name: sha256(path.read_bytes()) for path in sorted(VENDOR.iterdir())
            if path.is_file() and path.name != LICENSE}


def check() -> list[str]:
    """What differs between the vendored files and the pin file (nothing: an empty list)."""
    pin = read_pin()
    expected, found = pin.get("files", {}), vendored_hashes()
    problems = [f"缺少 {name}" for name in expected if name not in found]
    problems += [f"多出 {name}（不在固定文件中）" for name in found if name not in expected]
    problems += [f"{name} 与固定的 SHA-256 不符" for name in expected if name in found and found[name] != expected[name]]
    if not (VENDOR / LICENSE).is_file():
        problems.append(f"缺少许可证文件 {LICENSE}")
    return problems


def _npm_pack(version: str, into: Path) -> Path:
    if shutil.which("npm") is None:
        raise UsageError("没有找到 npm：请先安装 Node.js 和 npm（Debian：apt-get install nodejs npm）。")
    result = subprocess.run(["npm", "pack", f"{PACKAGE}@{version}", "--silent", "--pack-destination", str(into)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise UsageError(f"npm pack {PACKAGE}@{version} 失败：{result.stderr.strip()[-500:]}")
    tarballs = list(into.glob("*.tgz"))
    if len(tarballs) != 1:
        raise UsageError(f"npm pack 没有得到一个程序包文件（{len(tarballs)} 个）。")
    return tarballs[0]


def _runtime_members(tarball: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    with tarfile.open(tarball, "r:gz") as archive:
        manifest = json.load(archive.extractfile("package/package.json"))
        if manifest.get("license") != "MIT":
            raise UsageError(f"{PACKAGE} {manifest.get('version')} 的许可证是 {manifest.get('license')!r}，不是 MIT："
                             "请先评估能否继续使用，再手工更新 LICENSE 和本脚本。")
        for member in archive.getmembers():
            folder, _, name = member.name.rpartition("/")
            if member.isfile() and folder == "package/dist" and runtime_file(name):
                files[name] = archive.extractfile(member).read()
    if "decap-cms.js" not in files:
        raise UsageError(f"{tarball.name} 中没有 dist/decap-cms.js：程序包结构变了，请检查。")
    return files


def update(version: str, expected_sha: str | None) -> dict:
    """Download ``version``, check it against ``expected_sha`` (when given), replace the vendored files."""
    with tempfile.TemporaryDirectory() as temp:
        tarball = _npm_pack(version, Path(temp))
        digest = sha256(tarball.read_bytes())
        if expected_sha is not None and digest != expected_sha:
            raise UsageError(f"下载的 {tarball.name} 的 SHA-256 是 {digest}，与固定文件记录的 {expected_sha} 不符："
                             "程序包被替换过或下载出错，副本没有改动。")
        files = _runtime_members(tarball)
    VENDOR.mkdir(parents=True, exist_ok=True)
    for old in VENDOR.iterdir():
        if old.is_file() and old.name != LICENSE and old.name not in files:
            old.unlink()
    for name, data in files.items():
        write_atomic(VENDOR / name, data)
    pin = {"package": PACKAGE, "version": version, "tarball_sha256": digest,
           "license": f"MIT（vendor/decap-cms/{LICENSE}；第三方许可声明：decap-cms.js.LICENSE.txt）",
           "files": {name: sha256(data) for name, data in sorted(files.items())}}
    write_atomic(PIN, json.dumps(pin, ensure_ascii=False, indent=2) + "\n")
    return pin


def main(argv: list[str] | None = None) -> int:
    parser = ChineseArgumentParser(description="下载、核对并更新网站 /admin/ 使用的 Decap CMS 副本（vendor/decap-cms/）。")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--version", help="换用这个版本（下载后记录新的 SHA-256）；不写则重新下载固定的版本并核对")
    group.add_argument("--check", action="store_true", help="不联网，只核对副本与固定文件逐字节相符")
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        for problem in problems:
            print(f"vendor/decap-cms：{problem}")
        if not problems:
            print(f"vendor/decap-cms 与固定文件相符（{PACKAGE} {read_pin()['version']}）。")
        return 1 if problems else 0
    if args.version:
        pin = update(args.version, None)
    else:
        current = read_pin()
        pin = update(current["version"], current["tarball_sha256"])
    print(f"已更新 vendor/decap-cms：{PACKAGE} {pin['version']}，{len(pin['files'])} 个文件，"
          f"程序包 SHA-256 {pin['tarball_sha256']}。")
    return 0
