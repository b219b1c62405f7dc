"""Every data file in the package is installed by a non-editable install (`pip install .`).

An editable install reads the source tree, so a data file that pyproject.toml's
package-data globs miss works in development and in the tests, and is missing after the
README's first command; this test reads the globs and the tree and names what they miss.
"""

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "allyscope"


def test_package_data_globs_cover_every_data_file():
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["allyscope"]
    data = [
        p.relative_to(PACKAGE).as_posix()
        for p in PACKAGE.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    ]
    assert data, "no data files found: is the package where the test expects it?"

    # setuptools' "*" does not cross a "/", like fnmatch on each path segment
    def covered(path: str) -> bool:
        parts = path.split("/")
        return any(
            len(g.split("/")) == len(parts)
            and all(fnmatch.fnmatchcase(p, q) for p, q in zip(parts, g.split("/"), strict=True))
            for g in globs
        )

    missed = sorted(p for p in data if not covered(p))
    assert not missed, f"pyproject.toml package-data misses {missed[:10]}"
