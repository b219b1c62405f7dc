"""Hostile files: case files, codebooks, documents and event files.

A bad file is refused with one line that names the file (and, for YAML, the line) and
exit 2, or skipped with the reason (documents); nothing runs unbounded.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from _hostile import PARA, cli, cli_bounded, docx, docx_bomb, no_partial_files, strict_json

HEAD = """case: hostile
hypotheses:
  - {name: H1, prior: 0.5}
  - {name: H2, prior: 0.5}
evidence:
"""
ITEM = """  - id: e1
    statement: seen
    source: src
    observed: true
    likelihoods: {H1: 0.9, H2: 0.2}
"""
QUERY = """  - id: q1
    statement: seen in the data
    source: data
    likelihoods: {H1: 0.9, H2: 0.2}
    query: {dyad: IRN-RUS, indicator: atop_defense, years: 2001-2018, agg: max, op: ">=", value: 1}
"""


def _bomb(anchors: int = 9, width: int = 9) -> str:
    lines = ["lol: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, anchors + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n" + HEAD + ITEM.replace("statement: seen", f"statement: *a{anchors}")


def _prior(value: str) -> str:
    return HEAD.replace("prior: 0.5}", f"prior: {value}}}", 1) + ITEM


# (name, text of the case file, line named in the error, words in the error)
CASES = [
    ("alias bomb", _bomb(), 5, "aliases expand"),
    ("alias bomb in a note", HEAD + ITEM + "    note: &n [x, x, x, x, x, x, x, x]\n"
     + "".join(f"z{i}: &z{i} [*{'n' if i == 0 else f'z{i - 1}'}" + f", *{'n' if i == 0 else f'z{i - 1}'}" * 8 + "]\n" for i in range(6)),
     0, "aliases expand"),
    ("recursive alias", HEAD + ITEM.replace("statement: seen", "statement: &r [1, *r]"), 7, "contains it"),
    ("5,000 nested brackets", HEAD + ITEM.replace("statement: seen", "statement: " + "[" * 5000 + "]" * 5000), 7, "nested deeper"),
    ("5,000 nested mappings", "x: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n" + HEAD + ITEM, 1, "nested deeper"),
    ("statement is a list", HEAD + ITEM.replace("statement: seen", "statement: [a, b]"), 7, "single value"),
    ("statement is a mapping", HEAD + ITEM.replace("statement: seen", "statement: {a: b}"), 7, "single value"),
    ("id is a mapping", HEAD + ITEM.replace("id: e1", "id: {x: 1}"), 6, "single value"),
    ("source is a list", HEAD + ITEM.replace("source: src", "source: [a]"), 8, "single value"),
    ("empty statement", HEAD + ITEM.replace("statement: seen", "statement: ''"), 6, "must not be empty"),
    ("date is a list", HEAD + ITEM + "    date: [2001, 2002]\n", 11, "single value"),
    ("note is a mapping", HEAD + ITEM + "    note: {a: 1}\n", 11, "single value"),
    ("case title is a list", HEAD.replace("case: hostile", "case: [a, b]") + ITEM, 1, "single value"),
    ("description is a mapping", "description: {a: 1}\n" + HEAD + ITEM, 1, "single value"),
    ("hypothesis name is a list", HEAD.replace("name: H1", "name: [H1]") + ITEM, 3, "single value"),
    ("400-digit prior", _prior("9" * 400), 3, "between 0 and 1"),
    ("prior 1e400", _prior("1e400"), 3, "between 0 and 1"),
    ("prior is text", _prior("half"), 3, "number between 0 and 1"),
    ("prior is NaN", _prior(".nan"), 3, "number between 0 and 1"),
    ("prior is infinite", _prior(".inf"), 3, "between 0 and 1"),
    ("prior is a boolean", _prior("true"), 3, "number between 0 and 1"),
    ("prior is a list", _prior("[0.4, 0.6]"), 3, "one number"),
    ("negative prior", _prior("-0.5"), 3, "between 0 and 1"),
    ("likelihood is text", HEAD + ITEM.replace("H1: 0.9", "H1: likely"), 10, "number between 0 and 1"),
    ("400-digit likelihood", HEAD + ITEM.replace("H1: 0.9", "H1: " + "1" * 400), 10, "between 0 and 1"),
    ("likelihood range of three", HEAD + ITEM.replace("H1: 0.9", "H1: [0.1, 0.2, 0.3]"), 10, "[low, high]"),
    ("test type is a list", HEAD + ITEM.replace("likelihoods: {H1: 0.9, H2: 0.2}", "test: {type: [hoop], favours: H1}"), 10, "single value"),
    ("unknown agg", HEAD + QUERY.replace("agg: max", "agg: to_frame"), 10, "unknown agg"),
    ("agg is a list", HEAD + QUERY.replace("agg: max", "agg: [max]"), 10, "unknown agg"),
    ("unknown baseline.agg", HEAD + QUERY.replace("value: 1", "baseline: {years: 1992-2000, agg: to_frame}"), 10, "unknown agg"),
    ("baseline.agg dunder", HEAD + QUERY.replace("value: 1", "baseline: {years: 1992-2000, agg: __class__}"), 10, "unknown agg"),
    ("baseline.agg clear", HEAD + QUERY.replace("value: 1", "baseline: {years: 1992-2000, agg: clear}"), 10, "unknown agg"),
    ("baseline is a list", HEAD + QUERY.replace("value: 1", "baseline: [1992, 2000]"), 10, "baseline"),
    ("value is text", HEAD + QUERY.replace("value: 1", "value: lots"), 10, "must be a number"),
    ("value 1e400", HEAD + QUERY.replace("value: 1", "value: 1e400"), 10, "must be a number"),
    ("value is a list", HEAD + QUERY.replace("value: 1", "value: [1]"), 10, "must be a number"),
    ("op is a list", HEAD + QUERY.replace('op: ">="', 'op: [">="]'), 10, "unknown op"),
    ("op is SQL", HEAD + QUERY.replace('op: ">="', "op: \"1; DROP TABLE x\""), 10, "unknown op"),
    ("dyad is a list", HEAD + QUERY.replace("dyad: IRN-RUS", "dyad: [IRN, RUS]"), 10, "single value"),
    ("indicator is a mapping", HEAD + QUERY.replace("indicator: atop_defense", "indicator: {a: 1}"), 10, "single value"),
    ("indicator is a dunder", HEAD + QUERY.replace("indicator: atop_defense", "indicator: __class__"), 10, "unknown indicator"),
    ("type value not on the ladder", HEAD + QUERY.replace("indicator: atop_defense", "indicator: type").replace("value: 1", "value: [alliance]"), 10, "not one of"),
    ("years is a mapping", HEAD + QUERY.replace("years: 2001-2018", "years: {a: 1}"), 10, "year"),
    ("years 400 digits", HEAD + QUERY.replace("years: 2001-2018", "years: " + "9" * 400), 10, "year"),
    ("python tag", HEAD + ITEM.replace("statement: seen", "statement: !!python/object/apply:os.system [echo]"), 0, ""),
    ("custom tag", HEAD + ITEM.replace("statement: seen", "statement: !secret x"), 0, ""),
    ("duplicate key", HEAD + ITEM + "    source: again\n", 0, "not valid YAML"),
    ("two documents", HEAD + ITEM + "---\nx: 1\n", 0, "not valid YAML"),
    ("a list at the top", "- a\n- b\n", 1, "must be a mapping"),
    ("empty file", "", 1, "must be a mapping"),
]


@pytest.mark.parametrize(("body", "line", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_hostile_case_file_is_a_clear_error(tmp_path, monkeypatch, capsys, body, line, words):
    p = tmp_path / "case.yaml"
    p.write_text(body, encoding="utf-8")
    t0 = time.perf_counter()
    r = cli(monkeypatch, capsys, "trace", str(p), "--format", "json")
    assert time.perf_counter() - t0 < 10
    r.ok_or_clean_error()
    assert r.code == 2, (r.code, r.err)
    assert f"{p}" in r.err
    if line:
        assert f"{p}:{line}:" in r.err, r.err
    assert words.lower() in r.err.lower(), r.err


@pytest.mark.parametrize(
    ("name", "data", "line"),
    [
        ("latin-1", (HEAD + ITEM).replace("seen", "vu à Téhéran").encode("latin-1"), 7),
        ("utf-16", (HEAD + ITEM).encode("utf-16"), 1),
        ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe" * 50, 1),
        ("cp1256 in a note", (HEAD + ITEM + "    note: \u0627\u06cc\u0631\u0627\u0646\n").encode("cp1256", "replace"), 11),
    ],
)
def test_a_case_file_that_is_not_utf8_names_the_line(tmp_path, monkeypatch, capsys, name, data, line):
    p = tmp_path / "case.yaml"
    p.write_bytes(data)
    r = cli(monkeypatch, capsys, "trace", str(p))
    r.ok_or_clean_error()
    assert r.code == 2 and f"{p}:{line}: not UTF-8" in r.err, r.err


def test_the_alias_bomb_is_refused_within_bounds(tmp_path):
    # the file: 9 anchors of 9 aliases in `statement:` (grew past 2.7 GB)
    p = tmp_path / "bomb.yaml"
    p.write_text(_bomb(), encoding="utf-8")
    r = cli_bounded("trace", str(p), "--format", "json")
    r.ok_or_clean_error()
    assert r.code == 2 and "aliases expand" in r.err


def test_a_few_aliases_still_load(tmp_path, monkeypatch, capsys):
    body = "src: &s a shared source\n" + HEAD + ITEM.replace("source: src", "source: *s")
    p = tmp_path / "case.yaml"
    p.write_text(body, encoding="utf-8")
    r = cli(monkeypatch, capsys, "trace", str(p), "--format", "json")
    assert r.code == 0, r.err


CODEBOOK_OK = """version: t
families:
  dimension:
    fallback: other
    values:
      other: {phrases: {en: [anything at all]}}
  role:
    fallback: other
    values:
      other: {phrases: {en: [anything at all]}}
  framing:
    fallback: other
    values:
      other: {phrases: {en: [anything at all]}}
"""

CODEBOOKS = [
    ("alias bomb", "x: &x0 [a, a, a, a, a, a, a, a, a]\n" + "".join(f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * 9) + "]\n" for i in range(1, 8)) + CODEBOOK_OK, "aliases expand"),
    ("nested brackets", "x: " + "[" * 5000 + "]" * 5000 + "\n" + CODEBOOK_OK, "nested deeper"),
    ("version is a list", CODEBOOK_OK.replace("version: t", "version: [1, 2]"), "single value"),
    ("fallback is a mapping", CODEBOOK_OK.replace("fallback: other", "fallback: {a: b}", 1), "single value"),
    ("description is a list", CODEBOOK_OK.replace("other: {phrases", "other: {description: [a], phrases", 1), "single value"),
    ("phrases are numbers", CODEBOOK_OK.replace("[anything at all]", "[1, 2]", 1), "list of strings"),
    ("families is a list", "version: t\nfamilies: [a, b]\n", "expected a mapping"),
    ("missing family", CODEBOOK_OK.split("  role:")[0], "family 'role'"),
    ("python tag", CODEBOOK_OK.replace("version: t", "version: !!python/name:os.system"), "tagged"),
]


@pytest.mark.parametrize(("body", "words"), [c[1:] for c in CODEBOOKS], ids=[c[0] for c in CODEBOOKS])
def test_a_hostile_codebook_is_a_clear_error(tmp_path, body, words):
    from allyscope.documents.codebook import load_codebook
    from allyscope.errors import InvalidInputError

    p = tmp_path / "codebook.yaml"
    p.write_text(body, encoding="utf-8")
    t0 = time.perf_counter()
    with pytest.raises(InvalidInputError) as err:
        load_codebook(p)
    assert time.perf_counter() - t0 < 10
    assert str(p) in str(err.value) and words.lower() in str(err.value).lower(), err.value


def test_a_codebook_that_is_not_utf8_names_the_line(tmp_path, monkeypatch, capsys):
    (tmp_path / "doc.txt").write_text("Iran and Russia signed a treaty on cooperation in 2001.")
    p = tmp_path / "codebook.yaml"
    p.write_bytes(CODEBOOK_OK.replace("anything at all", "économie").encode("latin-1"))
    r = cli(monkeypatch, capsys, "read", str(tmp_path / "doc.txt"), "--coder", "lexicon",
            "--codebook", str(p))
    r.ok_or_clean_error()
    assert r.code == 2 and f"{p}:6: not UTF-8" in r.err, r.err
    no_partial_files(tmp_path)


# ---------------------------------------------------------------- documents


def _zip(path, members):
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _corrupt(path):
    docx(path, PARA * 50)
    raw = bytearray(path.read_bytes())
    at = raw.find(b"word/document.xml") + 40
    raw[at : at + 8] = b"\xff" * 8
    path.write_bytes(bytes(raw))
    return path


def _lying_size(path):
    import zipfile

    docx(path, PARA * 200)
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("word/document.xml")
    # shrink the declared size in the central directory: the member no longer matches its CRC
    cd = raw.rfind(b"PK\x01\x02", 0, raw.rfind(b"word/document.xml"))
    raw[cd + 24 : cd + 28] = (info.file_size // 2).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    return path


ENTITY_BOMB = "<!DOCTYPE d [<!ENTITY a0 'lol'>" + "".join(
    f"<!ENTITY a{i} '" + f"&a{i - 1};" * 10 + "'>" for i in range(1, 10)
) + "]>"
BAD_DOCX = {
    "bad namespace": lambda p: docx(p, PARA.replace(b"w:", b"x:"), ns="urn:bogus"),
    "empty namespace": lambda p: docx(p, b"<p>hello</p>", ns=""),
    "entity bomb": lambda p: docx(p, b"<w:p><w:r><w:t>&a9;</w:t></w:r></w:p>", prolog=ENTITY_BOMB),
    "external entity": lambda p: docx(
        p, b"<w:p><w:r><w:t>&x;</w:t></w:r></w:p>",
        prolog='<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    ),
    "huge text node": lambda p: docx(p, b"<w:p><w:r><w:t>" + b"a" * (11 * 2**20) + b"</w:t></w:r></w:p>"),
    "not well-formed": lambda p: docx(p, b"<w:p><w:r><w:t>unclosed"),
    "nested 100,000 deep": lambda p: docx(p, b"<w:p>" * 100_000 + b"</w:p>" * 100_000),
    "no document part": lambda p: _zip(p, {"[Content_Types].xml": "<Types/>", "_rels/.rels": "<x/>"}),
    "relationships not XML": lambda p: _zip(
        p, {"[Content_Types].xml": "<Types/>", "_rels/.rels": "<notxml", "word/document.xml": "<a/>"}
    ),
    "empty zip": lambda p: _zip(p, {}),
    "zip header only": lambda p: p.write_bytes(b"PK\x03\x04" + b"\x00" * 100),
    "text named .docx": lambda p: p.write_bytes(b"plain text pretending to be a docx file " * 5),
    "corrupt deflate stream": _corrupt,
    "member smaller than declared": _lying_size,
    "300 MiB of media": lambda p: _zip(p, {"word/media/x.bin": b"\x00" * (300 * 2**20)}),
    "6 million characters": lambda p: docx(p, [PARA * 10_000] * 12),
}


@pytest.fixture(scope="module")
def bad_docx(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docx")
    out = {}
    for name, make in BAD_DOCX.items():
        p = folder / (name.replace(" ", "_").replace(",", "") + ".docx")
        make(p)
        out[name] = p
    return out


@pytest.mark.parametrize("name", list(BAD_DOCX))
def test_a_malformed_docx_is_skipped_and_the_rest_read(tmp_path, monkeypatch, capsys, bad_docx, name):
    good = tmp_path / "good.txt"
    good.write_text("Iran and Russia signed a treaty on cooperation in 2001 and in 2025.")
    t0 = time.perf_counter()
    r = cli(monkeypatch, capsys, "read", str(bad_docx[name]), str(good), "--coder", "lexicon",
            "--format", "json")
    assert time.perf_counter() - t0 < 60
    assert r.code == 0, r.err
    d = strict_json(r.out)
    assert [x["name"] for x in d["documents"]] == ["good.txt"]
    assert [s["path"] for s in d["skipped"]] == [str(bad_docx[name])]
    assert d["skipped"][0]["reason"]


def test_report_documents_skips_a_malformed_docx(tmp_path, monkeypatch, capsys, bad_docx):
    good = tmp_path / "good.txt"
    good.write_text("Iran and Russia signed a treaty on cooperation in 2001 and in 2025.")
    out = tmp_path / "r.html"
    r = cli(monkeypatch, capsys, "report", "IRN", "RUS", "--years", "2010-2014", "-o", str(out),
            "--documents", str(bad_docx["bad namespace"]), "--documents", str(good),
            "--coder", "lexicon")
    assert r.code == 0, r.err
    assert out.is_file()
    no_partial_files(tmp_path)


def test_the_docx_decompression_bomb_is_skipped_within_bounds(tmp_path):
    # the file: 0.7 MB on disk, 199 MB of XML (ran > 400 s at 1.9 GB)
    bomb = docx_bomb(tmp_path / "bomb.docx", 200)
    assert bomb.stat().st_size < 2**20
    good = tmp_path / "good.txt"
    good.write_text("Iran and Russia signed a treaty on cooperation in 2001 and in 2025.")
    r = cli_bounded("read", str(bomb), str(good), "--coder", "lexicon", "--format", "json")
    assert r.code == 0, r.err
    d = strict_json(r.out)
    assert len(d["documents"]) == 1 and "decompression bomb" in d["skipped"][0]["reason"]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("big.txt", "Iran and Russia. " * 400_000, "split the document"),
        ("nul.txt", b"\x00\x01binary\x00" * 100, "binary"),
        ("utf16.txt", "Iran and Russia signed a treaty in 2001.".encode("utf-16"), None),
        ("garbage.txt", bytes(range(128, 256)) * 40, None),
        ("empty.md", b"", "empty"),
        ("blank.md", b"   \n\n\t  ", "empty"),
        ("short.txt", b"hi", "no text"),
        ("deep.html", b"<div>" * 200_000 + b"Iran and Russia" + b"</div>" * 200_000, None),
        ("script.html", b"<script>alert(1)</script><p>Iran and Russia signed a treaty in 2001.</p>", None),
        ("notpdf.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 100, "pdf"),
        ("truncated.pdf", b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n", "pdf"),
        ("image.png.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "binary"),
        ("noext", b"Iran and Russia signed a treaty in 2001.", "unsupported"),
        ("x.exe", b"MZ\x90\x00", "unsupported"),
    ],
)
def test_a_hostile_document_is_read_or_skipped_with_a_reason(tmp_path, monkeypatch, capsys, name, data, reason):
    p = tmp_path / name
    p.write_bytes(data.encode() if isinstance(data, str) else data)
    good = tmp_path / "good.md"
    good.write_text("Iran and Russia signed a treaty on cooperation in 2001 and in 2025.")
    t0 = time.perf_counter()
    r = cli(monkeypatch, capsys, "read", str(p), str(good), "--coder", "lexicon", "--format", "json")
    assert time.perf_counter() - t0 < 60
    assert r.code == 0, r.err
    d = strict_json(r.out)
    skipped = {s["path"]: s["reason"] for s in d["skipped"]}
    if reason is not None:
        assert reason.lower() in skipped[str(p)].lower()
    else:  # read, or skipped with a reason
        assert str(p) in skipped or name in [x["name"] for x in d["documents"]]


# ---------------------------------------------------------------- event files

SAMPLE = Path(__file__).parent / "fixtures" / "events" / "events.2014.sample.tab"
ROWS = 385  # rows of the sample


def _events(monkeypatch, capsys, engine, *paths):
    r = cli(monkeypatch, capsys, "events", "aggregate", *map(str, paths), "-e", engine, "-f", "json")
    r.ok_or_clean_error()
    return r, (strict_json(r.out)["metadata"] if r.code == 0 else None)


@pytest.mark.parametrize("engine", ["duckdb", "polars"])
@pytest.mark.parametrize(
    ("names", "given", "rows"),
    [
        (["a*.tab", "ab.tab"], ["a*.tab", "ab.tab"], 2 * ROWS),  # the 1,155 for 770
        (["a*.tab", "ab.tab"], ["a*.tab"], ROWS),
        (["it's[1].tab"], ["it's[1].tab"], ROWS),  # was "not found"
        (["q?.tab", "qz.tab"], ["q?.tab"], ROWS),
        (["x[.tab"], ["x[.tab"], ROWS),
        (["br{a,b}.tab"], ["br{a,b}.tab"], ROWS),
        (["back\\slash.tab"], ["back\\slash.tab"], ROWS),
        (["100%_'; DROP TABLE events; --.tab"], ["100%_'; DROP TABLE events; --.tab"], ROWS),
        (["dup.tab"], ["dup.tab", "dup.tab", "./dup.tab"], ROWS),
        (["g1.tab", "g2.tab", "g3.tab"], ["g*.tab"], 3 * ROWS),
        (["**.tab"], ["**.tab"], ROWS),
    ],
)
def test_event_files_are_read_once_and_literally(tmp_path, monkeypatch, capsys, engine, names, given, rows):
    import shutil

    for n in names:
        shutil.copy(SAMPLE, tmp_path / n)
    monkeypatch.chdir(tmp_path)
    r, meta = _events(monkeypatch, capsys, engine, *given)
    assert r.code == 0, r.err
    assert meta["rows_read"] == rows


@pytest.mark.parametrize("engine", ["duckdb", "polars"])
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("nothing*.tab", None),
        ("empty.tab", b""),
        ("header_only.tab", SAMPLE.read_bytes().split(b"\n")[0] + b"\n"),
        ("binary.tab", bytes(range(256)) * 64),
        ("ragged.tab", SAMPLE.read_bytes().split(b"\n")[0] + b"\n" + b"a\tb\n" * 50),
        ("events.zip", b"PK\x03\x04" + b"\x00" * 64),
        ("bad.parquet", b"PAR1 not really parquet PAR1"),
    ],
)
def test_a_hostile_event_file_is_a_clear_error(tmp_path, monkeypatch, capsys, engine, name, data):
    if data is not None:
        (tmp_path / name).write_bytes(data)
    r, _ = _events(monkeypatch, capsys, engine, tmp_path / name)
    r.ok_or_clean_error()
