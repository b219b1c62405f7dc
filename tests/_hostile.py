"""Helpers of the hostile-input suite (tests/test_hostile_*.py).

What every hostile case checks: the command ends with an error code of its own (never 70,
a bug) and no traceback, JSON output is strict (no NaN or Infinity), no ``.part`` file is
left behind, and the bombs run in a child process bounded in time and memory.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

#: Bounds of one hostile case run in a child process (the issue's limits).
TIMEOUT_S = 60
MEMORY_BYTES = 1536 * 2**20


@dataclass
class Run:
    code: int
    out: str
    err: str

    def ok_or_clean_error(self) -> None:
        """Exit 0, or an error of allyscope's family: one line, a code other than 70."""
        assert self.code != 70, self.err
        assert "Traceback" not in self.err, self.err
        if self.code not in (0, 130, 143):
            lines = [x for x in self.err.splitlines() if x.startswith("allyscope: error:")]
            usage = "Usage:" in self.err  # Typer's own message for a malformed command line
            assert lines or usage, self.err


def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    """Run ``allyscope ARGS`` in this process (as the console script does) and capture it."""
    import signal

    from allyscope.cli import main

    monkeypatch.setattr(sys, "argv", ["allyscope", *args])
    monkeypatch.delenv("ALLYSCOPE_DEBUG", raising=False)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP)}
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        for s, h in handlers.items():
            signal.signal(s, h)
    out, err = capsys.readouterr()
    return Run(code, out, err)


def _limits() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def cli_bounded(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """Run ``allyscope ARGS`` in a child process limited to 1.5 GB and 60 s."""
    try:
        p = subprocess.run(
            [sys.executable, "-m", "allyscope", *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            preexec_fn=_limits,
            env={**os.environ, **(env or {})},
            cwd=cwd,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"allyscope {' '.join(args)} ran longer than {TIMEOUT_S} s")
    return Run(p.returncode, p.stdout, p.stderr)


def strict_json(text: str) -> object:
    """Parse ``text`` as strict JSON (NaN, Infinity and -Infinity are refused)."""

    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in JSON output")

    return json.loads(text, parse_constant=refuse)


def no_partial_files(folder: Path) -> None:
    left = [p.name for p in folder.rglob("*.part")]
    assert not left, f"partial files left behind: {left}"


# ---------------------------------------------------------------- hostile .docx files

_CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.'
    'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType='
    '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
    'ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
    'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http'
    '://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PARA = b"<w:p><w:r><w:t>Iran and Russia signed a treaty on cooperation in 2001.</w:t></w:r></w:p>"


def docx(path: Path, body: bytes | list[bytes] = PARA, *, ns: str = W, prolog: str = "") -> Path:
    """A minimal .docx whose body is ``body`` (chunks are streamed: bombs stay small)."""
    import zipfile

    chunks = [body] if isinstance(body, bytes) else body
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
            f.write(f'{head}<w:document xmlns:w="{ns}"><w:body>'.encode())
            for c in chunks:
                f.write(c)
            f.write(b"</w:body></w:document>")
    return path


def docx_bomb(path: Path, mib: int = 200) -> Path:
    """``mib`` MiB of repeated paragraphs that deflate to well under 1 MiB on disk."""
    block = PARA * (2**20 // len(PARA))
    return docx(path, [block] * mib)
