"""Documents: ingest, normalisation, segmentation, mentions, coding, claims, exports, CLI."""

import csv
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allyscope.documents import read
from allyscope.documents.claims import check_claims, extract_claims
from allyscope.documents.codebook import load_codebook
from allyscope.documents.coder import Coder
from allyscope.documents.corpus import corpus_view
from allyscope.documents.exports import export
from allyscope.documents.ingest import document_from_text, read_file
from allyscope.documents.language import detect
from allyscope.documents.mentions import periods_mentioned, states_mentioned, years_mentioned
from allyscope.documents.normalize import fold, normalize
from allyscope.documents.reliability import cohen_kappa, gold_passages
from allyscope.documents.segment import MAX_CHARS, segment
from allyscope.errors import AllyscopeError, InvalidInputError

# A paragraph of seed 001 ("Iran and Russia: From Potential to Obstruction in Strategic
# Relations", Journal of Contemporary Eurasian Politics... 2025), quoted as a fixture.
SEED_001_TRADE = (
    "For instance, Russian exports to Iran increased from $770 million in 2011 to $1.58 "
    "billion in 2022, while Iranian exports to Russia increased from $350 million to $750 "
    "million over the same period."
)

# English passages and their Persian and Russian translations (made for these tests)
TRANSLATIONS = [
    (
        "Russia has supplied Iran with S-300 air defence missiles, and the two armies held joint naval exercises in the Caspian Sea.",
        "Россия поставила Ирану зенитные ракеты С-300, а армии двух стран провели совместные военно-морские учения на Каспийском море.",
        "روسیه موشک‌های پدافند هوایی اس-۳۰۰ را به ایران تحویل داد و ارتش‌های دو کشور رزمایش دریایی مشترک در دریای خزر برگزار کردند.",
    ),
    (
        "Trade between Iran and Russia fell because Western sanctions blocked payments through the banking system.",
        "Товарооборот между Ираном и Россией сократился, потому что западные санкции заблокировали платежи через банковскую систему.",
        "تجارت میان ایران و روسیه کاهش یافت، زیرا تحریم‌های غرب پرداخت‌ها از طریق نظام بانکی را مسدود کرد.",
    ),
    (
        "Moscow regards its ties with Tehran as a temporary, tactical arrangement and uses Iran as a bargaining chip in its dealings with Washington.",
        "Москва рассматривает связи с Тегераном как временную тактическую договорённость и использует Иран как разменную монету в отношениях с Вашингтоном.",
        "مسکو روابط خود با تهران را ترتیبی موقت و تاکتیکی می‌داند و از ایران به عنوان برگ چانه‌زنی در تعامل با واشنگتن استفاده می‌کند.",
    ),
    (
        "Iran joined the Shanghai Cooperation Organisation as a full member and signed a free trade agreement with the Eurasian Economic Union.",
        "Иран вступил в Шанхайскую организацию сотрудничества как полноправный член и подписал соглашение о свободной торговле с Евразийским экономическим союзом.",
        "ایران به عنوان عضو کامل به سازمان همکاری شانگهای پیوست و موافقت‌نامه تجارت آزاد با اتحادیه اقتصادی اوراسیا امضا کرد.",
    ),
    (
        "The two governments coordinate their positions in the UN Security Council and both oppose a unipolar world order.",
        "Два правительства координируют свои позиции в Совете Безопасности ООН и оба выступают против однополярного миропорядка.",
        "دو دولت مواضع خود را در شورای امنیت سازمان ملل هماهنگ می‌کنند و هر دو با نظم جهانی تک‌قطبی مخالف‌اند.",
    ),
]


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory):
    """One cache for the embedding model's vectors across the module's tests."""
    return tmp_path_factory.mktemp("embcache")


@pytest.fixture
def cache(shared_cache, monkeypatch):
    monkeypatch.setenv("ALLYSCOPE_CACHE", str(shared_cache))
    return shared_cache


# --- normalisation and language ------------------------------------------------------


def test_persian_normalisation():
    # Arabic yeh and kaf, Persian digits, tatweel, harakat, stray ZWNJ
    raw = "\u0627\u064a\u0631\u0627\u0646 \u0643\u0634\u0648\u0631 \u06f1\u06f4\u06f0\u06f3 \u0645\u0640\u0640\u064e\u0646\u200c \u200c\u0645\u06cc\u200c\u0634\u0648\u062f"
    out = normalize(raw)
    assert "\u064a" not in out and "\u0643" not in out
    assert "1403" in out
    assert "\u0640" not in out and "\u064e" not in out
    assert "\u0645\u06cc\u200c\u0634\u0648\u062f" in out  # ZWNJ between letters kept
    assert "\u200c " not in out and " \u200c" not in out  # ZWNJ next to a space dropped
    assert fold("می\u200cشود") == fold("میشود")


def test_russian_normalisation():
    assert normalize("Исламская Респу́блика\u00adИран") == "Исламская РеспубликаИран"
    assert fold("Всеобъемлющее партнёрство") == "всеобъемлющее партнерство"


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("abc ЁёИран ایرانيك\u200c\u064e\u06f1\n\t.")), max_size=60
    )
)
def test_normalize_is_idempotent_and_never_longer(text):
    once = normalize(text)
    assert normalize(once) == once
    assert len(once) <= len(text)


def test_language_detection():
    assert (
        detect("Russia and Iran signed a comprehensive strategic partnership treaty in 2025.")
        == "en"
    )
    assert detect(TRANSLATIONS[0][1]) == "ru"
    assert detect(TRANSLATIONS[0][2]) == "fa"
    assert detect("ok", default="und") == "und"


# --- ingest -----------------------------------------------------------------------------


def _pdf_with_text(text: str) -> bytes:
    """A one-page PDF whose content stream shows ``text`` (built by hand, offsets exact)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    )
    return out.getvalue()


@pytest.fixture
def corpus_dir(tmp_path):
    from docx import Document as Docx
    from pypdf import PdfWriter

    d = tmp_path / "docs"
    d.mkdir()
    (d / "a.txt").write_text(SEED_001_TRADE, encoding="utf-8")
    (d / "b.md").write_text("# Title\n\n" + TRANSLATIONS[1][0], encoding="utf-8")
    (d / "ru_cp1251.txt").write_bytes(
        (TRANSLATIONS[1][1] + " " + TRANSLATIONS[0][1]).encode("cp1251")
    )
    (d / "utf16.txt").write_bytes(TRANSLATIONS[2][0].encode("utf-16"))
    (d / "page.html").write_text(
        "<html><head><script>var x = 'ignore me';</script><style>p{}</style></head><body>"
        f"<nav>menu</nav><h1>Iran and Russia</h1><p>{TRANSLATIONS[3][0]}</p></body></html>",
        encoding="utf-8",
    )
    doc = Docx()
    doc.add_paragraph(TRANSLATIONS[4][0])
    doc.add_paragraph(TRANSLATIONS[0][0])
    doc.save(d / "report.docx")
    (d / "text.pdf").write_bytes(
        _pdf_with_text("Iran and Russia signed a treaty on strategic partnership.")
    )
    blank = PdfWriter()
    blank.add_blank_page(612, 792)
    with open(d / "scan.pdf", "wb") as fh:
        blank.write(fh)
    locked = PdfWriter()
    locked.add_blank_page(612, 792)
    locked.encrypt("secret")
    with open(d / "locked.pdf", "wb") as fh:
        locked.write(fh)
    (d / "empty.txt").write_bytes(b"")
    (d / "junk.txt").write_bytes(bytes(range(256)) * 8)
    (d / "broken.docx").write_bytes(b"not a zip")
    (d / "notes.xyz").write_text("ignored: unsupported type", encoding="utf-8")
    return d


def test_ingest_every_format(corpus_dir):
    docs = {
        p.name: read_file(p)
        for p in corpus_dir.iterdir()
        if p.name
        in {"a.txt", "b.md", "ru_cp1251.txt", "utf16.txt", "page.html", "report.docx", "text.pdf"}
    }
    assert (
        docs["ru_cp1251.txt"].text.startswith("Товарооборот") and docs["ru_cp1251.txt"].lang == "ru"
    )
    assert docs["utf16.txt"].text == TRANSLATIONS[2][0]
    assert "ignore me" not in docs["page.html"].text and "menu" not in docs["page.html"].text
    assert TRANSLATIONS[3][0] in docs["page.html"].text
    assert docs["report.docx"].text.split("\n\n") == [TRANSLATIONS[4][0], TRANSLATIONS[0][0]]
    assert "strategic partnership" in docs["text.pdf"].text
    assert {d.format for d in docs.values()} == {"text", "markdown", "html", "docx", "pdf"}
    # ids are content hashes: the same bytes give the same id
    assert read_file(corpus_dir / "a.txt").id == docs["a.txt"].id


def test_read_folder_skips_bad_files_with_reasons(corpus_dir, cache):
    r = read(corpus_dir, method="lexicon")
    reasons = {Path(s.path).name: s.reason for s in r.skipped}
    assert set(reasons) == {"scan.pdf", "locked.pdf", "empty.txt", "junk.txt", "broken.docx"}
    assert "no text layer" in reasons["scan.pdf"] and "OCR" in reasons["scan.pdf"]
    assert "encrypted" in reasons["locked.pdf"]
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["junk.txt"] or "encoding" in reasons["junk.txt"]
    assert "docx" in reasons["broken.docx"]
    assert len(r.documents) == 7  # notes.xyz is not a document type, so not even tried
    assert r.summary()["skipped"] == 5


def test_missing_path_is_reported_not_fatal(tmp_path, cache):
    (tmp_path / "ok.txt").write_text(SEED_001_TRADE, encoding="utf-8")
    r = read([tmp_path / "ok.txt", tmp_path / "nope.txt"], method="lexicon")
    assert len(r.documents) == 1
    assert r.skipped[0].reason == "no such file or folder"


# --- segmentation -----------------------------------------------------------------------


def test_segments_keep_offsets_and_stable_ids():
    long_para = " ".join(
        f"Sentence number {i} says that Iran and Russia cooperate." for i in range(40)
    )
    text = "Title line here\n\nShort paragraph about Russia and Iran.\n\n" + long_para + "\n"
    doc = document_from_text(text)
    ps = segment(doc)
    assert ps[0].text == "Title line here"
    for p in ps:
        assert normalize(text[p.start : p.end]) == p.text
        assert p.end - p.start <= MAX_CHARS
        assert p.id.startswith(doc.id + ":")
    assert [p.id for p in segment(document_from_text(text))] == [p.id for p in ps]
    assert sum(1 for p in ps if p.start >= text.index("Sentence")) >= 4


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list("Iran Russia trade. ")), min_size=1, max_size=300),
        min_size=1,
        max_size=6,
    )
)
def test_segment_offsets_property(paragraphs):
    text = "\n\n".join(paragraphs)
    doc = document_from_text(text)
    prev_end = -1
    for p in segment(doc):
        assert 0 <= p.start < p.end <= len(text)
        assert p.start >= prev_end  # in order, never overlapping
        assert normalize(text[p.start : p.end]) == p.text
        prev_end = p.end


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("Iran Rusia. ?!…؟\n")), max_size=200))
def test_sentence_spans_cover_the_text_in_order(text):
    from allyscope.documents.segment import sentence_spans

    spans = sentence_spans(text)
    assert "".join(text[s:e] for s, e in spans) == text
    assert all(s < e for s, e in spans)


def _pooled_by_loop(texts: list[str], vec: dict[str, np.ndarray]) -> np.ndarray:
    """The rule of embed_pooled written text by text."""
    from allyscope.documents.embeddings import sentence_units

    out = []
    for t in texts:
        v = sum(len(u) * vec[u].astype(np.float64) for u in sentence_units(t))
        out.append(v / np.linalg.norm(v))
    return np.array(out)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(["Iran and Russia met.", "Trade rose!", "Why?", "Oil."]),
            min_size=1,
            max_size=4,
        ),
        min_size=1,
        max_size=70,
    ),
    st.integers(0, 2**32 - 1),
)
def test_passage_vector_is_the_length_weighted_unit_mean_of_its_sentences(passages, seed):
    from allyscope.documents.embeddings import DIM, EmbeddingStore, sentence_units, text_key

    texts = [" ".join(p) for p in passages]
    units = sorted({u for t in texts for u in sentence_units(t)})
    rng = np.random.default_rng(seed)
    vecs = rng.standard_normal((len(units), DIM)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    store = EmbeddingStore(use_disk=False)
    store.add([text_key(u) for u in units], vecs)  # no model: every sentence is known
    seen: list[int] = []
    got = store.embed_pooled(texts, progress=seen.append)
    assert np.allclose(got, _pooled_by_loop(texts, dict(zip(units, vecs, strict=True))), atol=1e-6)
    assert sum(seen) == len(texts)  # progress counts passages, not sentences
    one = [i for i, p in enumerate(passages) if len(p) == 1]  # one sentence: its own vector
    assert np.allclose(got[one], store.embed([texts[i] for i in one]), atol=1e-6)


def test_one_line_per_paragraph_texts():
    lines = [TRANSLATIONS[i][0] + " " + TRANSLATIONS[i][0] for i in range(3)]
    doc = document_from_text("\n".join(lines))
    assert len(segment(doc)) == 3


# --- mentions ---------------------------------------------------------------------------


def test_states_mentioned_in_three_languages():
    assert states_mentioned("Moscow and Tehran met; the US watched; let us see.") == [2, 365, 630]
    assert states_mentioned("Россией и Ираном, а также США") == [2, 365, 630]
    assert states_mentioned("روابط ایران و روسیه؛ روستا") == [365, 630]
    assert states_mentioned("the Soviet Union and the People's Republic of China") == [365, 710]
    assert 630 not in states_mentioned("the Persian Gulf")
    assert years_mentioned("from 2011 to 2022, and in the 1990s; $2013 million") == [
        1990,
        2011,
        2022,
    ]
    # identifiers in a reference list are not years (seed 001's references cite a DOI
    # "10.24833/2071-8160-2023-2-89-216-234"); spans of years are
    ref = (
        "Vestnik MGIMO, Vol. 16, No. 2 (doi: 10.24833/2071-8160-2023-2-89-216-234), ISSN 2071-8160"
    )
    assert years_mentioned(ref) == []
    assert years_mentioned("in 2011–2014, fiscal 2022/23 and ISBN 978-5-2001-1234-5") == [
        2011,
        2014,
        2022,
    ]
    assert periods_mentioned("from 2011 to 2022, in 2012-2021 and in the 1990s") == [
        (1990, 1999),
        (2011, 2022),
        (2012, 2021),
    ]


# --- claims -----------------------------------------------------------------------------


def test_seed_trade_claims_checked_against_cow_trade():
    claims = check_claims(extract_claims(SEED_001_TRADE, "p1"))
    got = [(c.text, c.value, c.year, c.origin, c.destination, c.verdict) for c in claims]
    assert got == [
        ("$770 million", 770e6, 2011, 365, 630, "inconsistent"),
        ("$1.58 billion", 1.58e9, 2022, 365, 630, "unverifiable"),
        ("$350 million", 350e6, 2011, 630, 365, "consistent"),
        ("$750 million", 750e6, 2022, 630, 365, "unverifiable"),
    ]
    # COW trade 4.0: Iran's imports from Russia 3,599 and Russia's from Iran 342 (US$ m, 2011)
    assert claims[0].data_value == 3599e6 and claims[2].data_value == 342e6
    assert claims[1].source["coverage_end"] == 2014 and "2014" in claims[1].note
    assert claims[0].source["dataset"] == "cow_trade" and claims[0].source["version"] == "4.0"


def test_claim_tolerance_and_totals():
    text = "Trade between Iran and Russia reached $1.7 billion in 2013."
    (c,) = check_claims(extract_claims(text, "p"))
    assert c.variable == "trade_total" and c.data_value == (1285 + 433) * 1e6
    assert c.verdict == "consistent"
    (strict,) = check_claims(extract_claims(text, "p"), tolerance=0.001)
    assert strict.verdict == "inconsistent"
    (pct,) = check_claims(extract_claims("Tariffs fell on 90 percent of goods.", "p"))
    assert pct.unit == "percent" and pct.verdict == "unverifiable"
    (noyear,) = check_claims(extract_claims("Russian exports to Iran were $2 billion.", "p"))
    assert noyear.verdict == "unverifiable" and "year" in noyear.note


# --- coding ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def translation_codes(tmp_path_factory):
    from allyscope.documents.embeddings import EmbeddingStore

    coder = Coder(
        method="embedding", store=EmbeddingStore(tmp_path_factory.mktemp("e") / "e.parquet")
    )
    texts = [t for triple in TRANSLATIONS for t in triple]
    codes = coder.code(texts, [detect(t) for t in texts])
    return [codes[i : i + 3] for i in range(0, len(codes), 3)]


def test_persian_and_russian_coded_as_their_english_equivalents(translation_codes):
    for en, ru, fa in translation_codes:
        assert ru["dimension"].value == en["dimension"].value, (en["dimension"], ru["dimension"])
        assert fa["dimension"].value == en["dimension"].value, (en["dimension"], fa["dimension"])
    # role: at least 8 of the 10 translations get their English passage's role
    # (docs/documents.md: measured 8/10 since the sentence-pooled vectors, 9/10 before; the
    # exceptions are the Persian SCO/EAEU passage, coded neutral, and the Russian UN passage,
    # coded driver)
    role = [
        (ru["role"].value == en["role"].value) + (fa["role"].value == en["role"].value)
        for en, ru, fa in translation_codes
    ]
    assert sum(role) >= 8, [
        (en["role"], ru["role"], fa["role"]) for en, ru, fa in translation_codes
    ]
    # framing is the weakest family (docs/documents.md): most translations agree (3 of 5 each)
    same = [
        (ru["framing"].value == en["framing"].value, fa["framing"].value == en["framing"].value)
        for en, ru, fa in translation_codes
    ]
    assert sum(r for r, _ in same) >= 3 and sum(f for _, f in same) >= 3  # measured 4 and 4


def test_codes_are_the_expected_ones_and_explained(translation_codes):
    dims = [en["dimension"].value for en, _, _ in translation_codes]
    assert dims == ["security", "economic", "diplomatic", "institutional", "diplomatic"]
    en = translation_codes[1][0]
    assert en["role"].value == "obstacle"
    assert any("sanction" in t for t in en["role"].triggers)
    assert set(en["dimension"].scores) == set(load_codebook().family("dimension").names)
    assert abs(sum(en["dimension"].scores.values()) - 1) < 1e-3  # probabilities


def test_lexicon_coder_is_the_keyword_baseline():
    c = Coder(method="lexicon")
    (codes,) = c.code([TRANSLATIONS[1][0]], ["en"])
    assert codes["dimension"].value == "economic"
    assert "sanctions" in codes["dimension"].triggers
    with pytest.raises(InvalidInputError, match="unknown coder method"):
        Coder(method="magic")


def test_bad_codebook_names_the_line(tmp_path):
    p = tmp_path / "cb.yaml"
    p.write_text(
        "version: 1\nfamilies:\n  dimension:\n    fallback: none\n    values: {}\n",
        encoding="utf-8",
    )
    with pytest.raises(AllyscopeError, match=r"cb\.yaml"):
        load_codebook(p)


# --- reliability ------------------------------------------------------------------------


def test_cohen_kappa_hand_computed():
    # 2x2 table [[20, 5], [10, 15]]: po = 0.7, pe = 0.5*0.6 + 0.5*0.4 = 0.5 -> kappa 0.4
    a = ["y"] * 25 + ["n"] * 25
    b = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa(a, a) == pytest.approx(1.0)


def test_gold_set_is_complete_and_its_speech_offsets_are_exact():
    from allyscope.sources.store import load

    gold = gold_passages()
    assert gold.height >= 150
    cb = load_codebook()
    for fam in ("dimension", "role", "framing"):
        assert set(gold[fam].unique()) <= set(cb.family(fam).names)
    ungd = gold.filter(pl.col("source").str.starts_with("ungd:"))
    speeches = load("ungd_speeches")
    texts = {(i, y): t for i, y, t in speeches.select("iso3", "year", "text").iter_rows()}
    for src, start, end, text in ungd.select("source", "start", "end", "text").iter_rows():
        _, iso, year = src.split(":")
        assert texts[(iso, int(year))][start:end] == text


# --- exports and CLI --------------------------------------------------------------------


@pytest.fixture
def lexicon_result(tmp_path, cache):
    (tmp_path / "a.txt").write_text(
        SEED_001_TRADE + "\n\n" + "\n\n".join(t[0] for t in TRANSLATIONS), encoding="utf-8"
    )
    (tmp_path / "b.txt").write_text("\n\n".join(t[1] for t in TRANSLATIONS), encoding="utf-8")
    return read(tmp_path, method="lexicon", check_claims=True)


def test_qdpx_export(lexicon_result, tmp_path):
    out = export(lexicon_result, "qdpx", tmp_path / "p.qdpx")
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        root = ET.fromstring(z.read("project.qde"))
        ns = {"q": "urn:QDA-XML:project:1.0"}
        codes = {c.get("guid") for c in root.iterfind(".//q:Code", ns)}
        sels = root.findall(".//q:PlainTextSelection", ns)
        assert len(sels) == len(lexicon_result.passages)
        for ref in root.iterfind(".//q:CodeRef", ns):
            assert ref.get("targetGUID") in codes
        for src in root.iterfind(".//q:TextSource", ns):
            body = z.read(
                "sources/" + src.get("plainTextPath").removeprefix("internal://")
            ).decode()
            for sel in src.iterfind("q:PlainTextSelection", ns):
                s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
                assert 0 <= s < e <= len(body)
    assert sum(n.startswith("sources/") for n in names) == 2
    assert export(lexicon_result, "qdpx", tmp_path / "q.qdpx").read_bytes() != b""


def test_matrix_and_evidence_exports(lexicon_result, tmp_path):
    from ruamel.yaml import YAML

    with open(export(lexicon_result, "matrix", tmp_path / "m.csv"), encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(lexicon_result.passages)
    for r in rows:
        for fam in ("dimension", "role", "framing"):
            assert sum(int(v) for k, v in r.items() if k.startswith(fam + ":")) == 1
    assert "state:IRN" in rows[0]
    ev = YAML(typ="safe").load(
        export(lexicon_result, "evidence", tmp_path / "e.yaml").read_text("utf-8")
    )
    assert len(ev["evidence"]) == len(lexicon_result.passages)
    assert ev["evidence"][0]["source"].startswith("a.txt, characters 0-")
    assert ev["evidence"][0]["date"] == "2022"


def _cli(args, env_cache, cwd=None):
    env = {**os.environ, "ALLYSCOPE_CACHE": str(env_cache)}
    return subprocess.run(
        [sys.executable, "-m", "allyscope", *args], capture_output=True, text=True, env=env, cwd=cwd
    )


def test_cli_read_json_contract(tmp_path, shared_cache):
    f = tmp_path / "seed.txt"
    f.write_text(SEED_001_TRADE, encoding="utf-8")
    r = _cli(["read", str(f), "--check-claims", "--format", "json"], shared_cache)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert set(d) >= {"documents", "passages", "claims", "summary"}
    p = d["passages"][0]
    assert set(p) >= {
        "id",
        "doc",
        "start",
        "end",
        "lang",
        "text",
        "dimension",
        "role",
        "framing",
        "states",
        "scores",
    }
    c = d["claims"][0]
    assert set(c) >= {
        "text",
        "value",
        "unit",
        "year",
        "from",
        "to",
        "variable",
        "verdict",
        "data_value",
        "source",
    }
    assert (c["value"], c["from"], c["to"], c["verdict"]) == (
        770000000,
        "RUS",
        "IRN",
        "inconsistent",
    )


def test_cli_read_bad_input(tmp_path, shared_cache):
    r = _cli(["read", str(tmp_path / "missing.pdf")], shared_cache)
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert "could be read" in r.stderr
    r = _cli(["read", "--format", "xml", str(tmp_path)], shared_cache)
    assert r.returncode == 2 and "unknown format" in r.stderr
    (tmp_path / "a.txt").write_text(SEED_001_TRADE, encoding="utf-8")
    r = _cli(
        [
            "read",
            str(tmp_path / "a.txt"),
            "--coder",
            "lexicon",
            "--export",
            "qdpx",
            "--output",
            str(tmp_path / "no" / "dir" / "x.qdpx"),
        ],
        shared_cache,
    )
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert not (tmp_path / "no").exists()


def test_cli_csv_and_export(tmp_path, shared_cache):
    (tmp_path / "a.txt").write_text(SEED_001_TRADE, encoding="utf-8")
    r = _cli(
        [
            "read",
            str(tmp_path / "a.txt"),
            "--coder",
            "lexicon",
            "--format",
            "csv",
            "--export",
            "matrix",
            "--output",
            str(tmp_path / "m.csv"),
        ],
        shared_cache,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0].startswith("id,doc,start,end,lang,text,dimension,role,framing")
    assert (tmp_path / "m.csv").exists()


# --- corpus view -----------------------------------------------------------------------


def test_ungd_corpus_view(cache):
    t = corpus_view("ungd", "IRN", "RUS", years=range(2013, 2016), method="lexicon")
    assert set(t["speaker"]) == {"IRN", "RUS"}
    assert t.height == 6 and t["year"].min() == 2013
    assert (t["mentions"] <= t["passages"]).all()
    assert (
        t.filter(pl.col("mentions") == 0)["tone"].null_count()
        == t.filter(pl.col("mentions") == 0).height
    )
    dims = t.select(
        "diplomatic", "security", "economic", "institutional", "societal"
    ).sum_horizontal()
    assert (dims <= t["mentions"]).all()
    with pytest.raises(AllyscopeError, match="no speeches"):
        corpus_view("ungd", "IRN", "RUS", years=[1900])
    with pytest.raises(InvalidInputError, match="unknown corpus"):
        corpus_view("gdelt", "IRN", "RUS")


def test_embedding_cache_round_trip(tmp_path):
    from allyscope.documents.embeddings import EmbeddingStore

    s = EmbeddingStore(tmp_path / "e.parquet")
    v = s.embed(["Iran and Russia"], kind="passage")
    s.save()
    again = EmbeddingStore(tmp_path / "e.parquet")
    assert np.allclose(again.embed(["Iran and Russia"], kind="passage"), v)
    (tmp_path / "e.parquet").write_bytes(b"corrupt")
    assert EmbeddingStore(tmp_path / "e.parquet").embed(["x y z"]).shape == (1, 384)


def test_coder_agreement_with_the_gold_set_cross_validated():
    """10-fold cross-validated kappa of the embedding coder on the gold set (docs/documents.md).

    The gold passages' embeddings come from tests/data/gold_embeddings.npz (written by
    tools/fit_coder.py from the shipped model); the test checks they belong to the current
    gold texts and that a sample re-embeds to the same vectors.
    """
    import hashlib

    from allyscope.documents.coder import fitted_model
    from allyscope.documents.embeddings import EmbeddingStore
    from allyscope.documents.reliability import (
        cross_validated_kappa,
        repeated_cv_kappa,
        training_set,
    )

    fx = np.load(Path(__file__).parent / "data" / "gold_embeddings.npz")
    gold = gold_passages()
    assert list(fx["ids"]) == gold["id"].to_list(), "gold set changed: rerun tools/fit_coder.py"
    assert list(fx["sha1"]) == [hashlib.sha1(t.encode()).hexdigest() for t in gold["text"]]
    emb = fx["vectors"].astype(np.float32)
    live = EmbeddingStore(use_disk=False).embed_pooled(gold["text"].to_list()[:3])
    assert np.allclose((live * emb[:3]).sum(axis=1), 1.0, atol=2e-3)
    _, meta = fitted_model()
    store = EmbeddingStore(use_disk=False)
    store.add(list(fx["phrase_keys"]), fx["phrase_vectors"])
    coder = Coder(method="lexicon", store=store)
    ctx = fx["context_vectors"].astype(np.float32)
    assert ctx.shape == emb.shape and np.allclose(np.linalg.norm(ctx, axis=1), 1.0, atol=2e-3)
    for fam, floor in (("dimension", 0.55), ("role", 0.5), ("framing", 0.4)):
        ts = training_set(coder, meta["kw_scale"][fam], gold, emb, ctx, meta["ctx_weight"][fam])
        c, pw, sc = meta["C"][fam], meta["phrase_weight"][fam], meta["scheme"][fam]
        kappa, _ = cross_validated_kappa(ts, fam, c, pw, scheme=sc)  # the grid's split (seed 0)
        assert kappa == pytest.approx(meta["chosen_cv10_kappa"][fam], abs=0.02)
        assert kappa >= floor, (fam, kappa)
        mean, low, high = repeated_cv_kappa(ts, fam, c, pw, meta["cv_repeats"], scheme=sc)
        assert mean == pytest.approx(meta["chosen_cv10_repeated"][fam]["mean"], abs=0.02)
        assert low <= kappa <= high and low <= mean <= high


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(1.0, 800.0))
def test_one_vs_rest_scores_are_normalised_sigmoids_and_follow_the_decision(seed, scale):
    from allyscope.documents.coder import FamilyModel

    rng = np.random.default_rng(seed)
    x = rng.standard_normal((7, 5))
    coef, icpt = scale * rng.standard_normal((4, 5)), rng.standard_normal(4)
    z = x @ coef.T + icpt
    m = FamilyModel(("a", "b", "c", "d"), coef, icpt, "ovr")
    p = m.proba(x)
    assert np.isfinite(p).all() and np.allclose(p.sum(axis=1), 1.0)
    assert (m.predict(x) == z.argmax(axis=1)).all()
    # the code's score is the highest (ties where large sigmoids all round to 1)
    assert (p[np.arange(len(p)), z.argmax(axis=1)] == p.max(axis=1)).all()
    # where every sigmoid underflows, the scores still rank the values as z does
    low = (z < -50).all(axis=1)
    assert (p[low].argmax(axis=1) == z[low].argmax(axis=1)).all()
    if scale < 20:  # no underflow: the scores are the sigmoids divided by their sum
        sig = 1.0 / (1.0 + np.exp(-z))
        assert np.allclose(p, sig / sig.sum(axis=1, keepdims=True))


def test_one_vs_rest_fit_is_one_balanced_binary_model_per_value():
    from sklearn.linear_model import LogisticRegression

    from allyscope.documents.coder import FamilyModel
    from allyscope.documents.reliability import fit_family

    fx = np.load(Path(__file__).parent / "data" / "gold_embeddings.npz")
    gold = gold_passages()
    x, y = fx["vectors"].astype(np.float64)[:200], np.array(gold["role"].to_list())[:200]
    w = np.linspace(0.5, 2.0, len(y))
    m = fit_family(x, y, 3.0, w, "ovr")
    assert m.scheme == "ovr" and m.classes == tuple(sorted(set(y)))
    for i, value in enumerate(m.classes):
        one = LogisticRegression(C=3.0, max_iter=5000, class_weight="balanced")
        one.fit(x, y == value, sample_weight=w)
        assert np.allclose(m.coef[i], one.coef_[0])
        assert np.isclose(m.intercept[i], one.intercept_[0])
    multi = fit_family(x, y, 3.0, w)
    assert multi.scheme == "multinomial" and multi.coef.shape == m.coef.shape
    with pytest.raises(InvalidInputError, match="unknown model scheme 'svm'"):
        fit_family(x, y, 3.0, w, "svm")
    with pytest.raises(InvalidInputError, match="unknown model scheme"):
        FamilyModel(m.classes, m.coef, m.intercept, "softmax")


def _context_by_loop(emb: np.ndarray, docs: list[str]) -> np.ndarray:
    """The rule of context_vectors written row by row."""
    out = np.empty_like(emb, dtype=np.float64)
    for i in range(len(emb)):
        near = [j for j in (i - 1, i + 1) if 0 <= j < len(emb) and docs[j] == docs[i]]
        v = emb[near].sum(axis=0) if near else emb[i].astype(np.float64)
        out[i] = v / np.linalg.norm(v)
    return out


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(0, 4), min_size=1, max_size=12).map(sorted),
    st.integers(0, 2**32 - 1),
)
def test_context_is_the_unit_mean_of_the_neighbours_in_the_same_document(groups, seed):
    from allyscope.documents.coder import context_vectors

    rng = np.random.default_rng(seed)
    emb = rng.standard_normal((len(groups), 8))
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    docs = [f"doc{g}" for g in groups]
    assert np.allclose(context_vectors(emb, docs), _context_by_loop(emb, docs))
    assert np.allclose(context_vectors(emb, None), emb)  # no documents: each its own context


def test_context_needs_one_document_name_per_passage():
    from allyscope.documents.coder import context_vectors

    with pytest.raises(InvalidInputError, match="3 document names for 2 passages"):
        context_vectors(np.eye(2), ["a", "a", "b"])
    with pytest.raises(InvalidInputError, match="1 document names for 2 passages"):
        Coder(method="lexicon").code(["one text here", "another text"], ["en", "en"], docs=["a"])


def test_neighbours_reach_the_code_and_reference_entries_are_skipped():
    """A model that reads only the context block codes a passage by its neighbours: those of
    the same document, in order, with a reference-list entry between them left out."""
    from allyscope.documents.coder import FamilyModel
    from allyscope.documents.embeddings import DIM, EmbeddingStore, text_key

    texts = [
        "The two governments discussed the situation in the region at length.",
        "Katz, Mark N (2023), Russia and Iran, Middle East Policy, 30(2), pp. 1-20, doi:10.1111/mepo.1.",
        "Their ministers met again in the spring and issued a joint statement.",
        "A passage of another document, on its own.",
    ]
    docs = ["d1", "d1", "d1", "d2"]
    axes = {0: 0, 2: 1, 3: 2}  # each embedded passage points along its own axis
    vecs = np.zeros((len(axes), DIM), dtype=np.float32)
    for k, i in enumerate(axes):
        vecs[k, axes[i]] = 1.0
    store = EmbeddingStore(use_disk=False)
    store.add([text_key(texts[i]) for i in axes], vecs)
    cb = load_codebook()
    models = {}
    for fam in cb.families:
        names = fam.names
        n_kw = sum(len(f.values) for f in cb.families)
        coef = np.zeros((len(names), 2 * DIM + n_kw))
        # value 0 <- context along axis 0, value 1 <- along axis 1, value 2 <- along axis 2
        for v in range(3):
            coef[v, DIM + v] = 10.0
        models[fam.name] = FamilyModel(tuple(names), coef, np.zeros(len(names)))
    coder = Coder(cb, store=store, models=models, kw_scale=0.0, ctx_weight=1.0)
    with_docs = coder.code(texts, ["en"] * 4, docs=docs)
    names = cb.family("dimension").names
    # passage 0's neighbour is passage 2 (axis 1), passage 2's is passage 0 (axis 0), the
    # reference entry gets the fallback, passage 3 is alone (its own axis 2)
    assert [c["dimension"].value for c in with_docs] == [
        names[1],
        cb.family("dimension").fallback,
        names[0],
        names[2],
    ]
    alone = coder.code(texts, ["en"] * 4)  # no documents: every passage is its own context
    assert [alone[i]["dimension"].value for i in (0, 2, 3)] == [names[0], names[1], names[2]]


def test_repeated_cross_validation_needs_one_run():
    from allyscope.documents.reliability import TrainingSet, repeated_cv_kappa

    ts = TrainingSet(np.zeros((0, 1)), gold_passages().head(0), np.zeros((0, 1)), [])
    with pytest.raises(InvalidInputError, match="repeats must be at least 1"):
        repeated_cv_kappa(ts, "role", 1.0, repeats=0)


# --- reference lists --------------------------------------------------------------------

# Two entries of seed 001's reference list, quoted as fixtures
SEED_001_REFERENCES = [
    "Katz, Mark N (2023), “Iran-Russia Alliance: Opportunities, Limits, and Conflict in the "
    "Middle East”, Atlantic Council, Availble at: https://www.atlanticcouncil.org/event/"
    "iran-russia-alliance/,(Accessed on: 2/11/2023).",
    "Hetou, Ghaidaa (2018), The Syrian Conflict: The Role of Russia, Iran and the US in a "
    "Global Crisis, Routledge India.",
]


def test_reference_entries_get_the_fallback_codes_without_embedding(cache):
    from allyscope.documents.references import TRIGGER, is_reference

    assert all(is_reference(t) for t in SEED_001_REFERENCES)
    assert is_reference(  # seed 001: two authors, no comma before the year
        "Hansjörg Blöchliger and Olivier Durand-Lasserve (2018), “The Drivers of Regional "
        "Growth in Russia: A Baseline Model with Applications”, OECD Economics Department "
        "Working Papers, ( doi:10.1787/9279f6c3-en.)."
    )
    # sentences citing resolutions by year are not references (UN speeches are full of them)
    assert not is_reference(
        "Consequently, Iraq's full compliance with Security Council resolution 687 (1991) "
        "is the rightful expectation of the international community."
    )
    assert not is_reference(SEED_001_TRADE)
    assert not any(is_reference(t) for t in gold_passages()["text"].to_list())
    coder = Coder(method="embedding")
    calls = []
    coder.embed = lambda texts, progress=None: (
        calls.append(list(texts))
        or Coder.embed(  # type: ignore[method-assign]
            coder, texts, progress
        )
    )
    codes = coder.code([SEED_001_REFERENCES[0], SEED_001_TRADE, SEED_001_REFERENCES[1]], ["en"] * 3)
    assert calls == [[SEED_001_TRADE]]  # only the passage that is not a reference is embedded
    for i in (0, 2):
        assert {f: c.value for f, c in codes[i].items()} == {
            "dimension": "none",
            "role": "neutral",
            "framing": "none",
        }
        assert codes[i]["dimension"].triggers == (TRIGGER,)
    assert codes[1]["dimension"].value == "economic"
