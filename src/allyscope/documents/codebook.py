"""The codebook (``codebook.yaml``): code families, their values, keywords and seed phrases.

A user may pass a codebook of their own (same schema); :func:`load_codebook` checks it and
names the line of the first problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from allyscope.documents.normalize import fold
from allyscope.errors import InvalidInputError

LANGS = ("en", "fa", "ru")
FAMILIES = ("dimension", "role", "framing")


@dataclass(frozen=True)
class CodeValue:
    family: str
    name: str
    description: str
    keywords: dict[str, tuple[str, ...]]
    phrases: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Family:
    name: str
    description: str
    fallback: str
    values: tuple[CodeValue, ...]

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.values]


@dataclass(frozen=True)
class Codebook:
    version: str
    families: tuple[Family, ...]
    source: str

    def family(self, name: str) -> Family:
        for f in self.families:
            if f.name == name:
                return f
        raise KeyError(name)


def _fail(source: str, node: Any, msg: str) -> InvalidInputError:
    line = getattr(getattr(node, "lc", None), "line", None)
    where = f"{source}:{line + 1}" if line is not None else source
    return InvalidInputError(
        f"codebook {where}: {msg}; see src/allyscope/documents/codebook.yaml for the schema"
    )


def _strings(node: Any, source: str, what: str) -> dict[str, tuple[str, ...]]:
    if node is None:
        return {}
    if not isinstance(node, dict):
        raise _fail(source, node, f"{what} must map a language code to a list of strings")
    out = {}
    for lang, items in node.items():
        if items is None:
            items = []
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise _fail(source, node, f"{what}.{lang} must be a list of strings")
        out[str(lang)] = tuple(i.strip() for i in items if i.strip())
    return out


def _scalar(node: Any, key: str, source: str, what: str) -> str:
    """``node[key]`` as text ("" if absent); a list or mapping there is an error."""
    v = node.get(key)
    if v is None:
        return ""
    if isinstance(v, bool) or not isinstance(v, str | int | float):
        from allyscope.yamlin import kind

        raise _fail(source, node, f"{what} must be a single value, not {kind(v)}")
    return str(v).strip()


def parse_codebook(data: Any, source: str) -> Codebook:
    """Check and build a :class:`Codebook` from parsed YAML."""
    if not isinstance(data, dict) or not isinstance(data.get("families"), dict):
        raise _fail(source, data, "expected a mapping with `version` and `families`")
    families = []
    for fname in FAMILIES:
        fnode = data["families"].get(fname)
        if not isinstance(fnode, dict) or not isinstance(fnode.get("values"), dict):
            raise _fail(source, data["families"], f"family {fname!r} with `values` is required")
        values = []
        for vname, vnode in fnode["values"].items():
            if not isinstance(vnode, dict):
                raise _fail(source, fnode["values"], f"value {fname}.{vname} must be a mapping")
            phrases = _strings(vnode.get("phrases"), source, f"{fname}.{vname}.phrases")
            if not any(phrases.values()):
                raise _fail(source, vnode, f"value {fname}.{vname} needs at least one seed phrase")
            values.append(
                CodeValue(
                    fname,
                    str(vname),
                    _scalar(vnode, "description", source, f"{fname}.{vname}.description"),
                    _strings(vnode.get("keywords"), source, f"{fname}.{vname}.keywords"),
                    phrases,
                )
            )
        fallback = _scalar(fnode, "fallback", source, f"{fname}.fallback")
        if fallback not in {v.name for v in values}:
            raise _fail(
                source, fnode, f"family {fname!r}: fallback {fallback!r} is not one of its values"
            )
        families.append(
            Family(
                fname,
                _scalar(fnode, "description", source, f"{fname}.description"),
                fallback,
                tuple(values),
            )
        )
    return Codebook(_scalar(data, "version", source, "version"), tuple(families), source)


def load_codebook(path: str | Path | None = None) -> Codebook:
    """The shipped codebook, or the YAML file at ``path``."""
    if path is None:
        return _default_codebook()
    p = Path(path)
    if not p.is_file():
        raise InvalidInputError(
            f"codebook {p} does not exist; give a YAML file like the shipped codebook.yaml"
        )
    from allyscope.yamlin import NotUTF8Error, read_text

    try:
        body = read_text(p)
    except NotUTF8Error as exc:
        raise InvalidInputError(f"codebook {p}:{exc.line}: {exc}") from None
    except OSError as exc:
        raise InvalidInputError(f"cannot read codebook {p}: {exc.strerror or exc}") from None
    return _parse_file(body, str(p))


def _parse_file(text: str, source: str) -> Codebook:
    from ruamel.yaml.error import YAMLError

    from allyscope.yamlin import load_yaml

    try:
        data = load_yaml(text)
    except YAMLError as exc:
        raise InvalidInputError(
            f"codebook {source} is not valid YAML: {exc}".replace("\n", " ")
        ) from None
    return parse_codebook(data, source)


@lru_cache(maxsize=1)
def _default_codebook() -> Codebook:
    res = resources.files("allyscope.documents") / "codebook.yaml"
    return _parse_file(res.read_text(encoding="utf-8"), "codebook.yaml")


def keyword_pattern(stems: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex for a value's keyword stems, matched on folded text.

    A stem matches at the start of a word; stems of three letters or fewer must be the
    whole word ("war", "oil", "но"), so "war" does not match "warm".
    """
    parts = []
    for stem in sorted({fold(s) for s in stems}, key=len, reverse=True):
        body = re.escape(stem).replace("\\ ", r"\s+")
        parts.append(body + (r"(?!\w)" if len(stem) <= 3 else r"[\w-]*"))
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")")
