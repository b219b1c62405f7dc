"""Strict JSON text for every JSON that allyscope outputs (CLI, dashboard API, sidecars).

JSON has no NaN or Infinity; Python's encoder writes them anyway, and strict parsers
(browsers' ``JSON.parse``, jq, Go, Rust) reject the document. :func:`dumps` writes a
non-finite float as ``null`` (missing), so every output parses everywhere.
"""

from __future__ import annotations

import json
import math
from typing import Any


def finite(obj: Any) -> Any:
    """``obj`` with every NaN or infinite float (in dicts, lists and tuples) replaced by None."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [finite(v) for v in obj]
    return obj


def dumps(obj: Any, *, indent: int | None = None) -> str:
    """Strict JSON (UTF-8 text, compact unless ``indent``); NaN and infinities become null."""
    kwargs: dict[str, Any] = {
        "ensure_ascii": False,
        "allow_nan": False,
        "default": str,
        **({"indent": indent} if indent else {"separators": (",", ":")}),
    }
    try:  # the common case: nothing to replace, one pass of the C encoder
        return json.dumps(obj, **kwargs)
    except ValueError:
        return json.dumps(finite(obj), **kwargs)
