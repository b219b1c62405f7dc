"""Reading YAML that users write (case files, codebooks) with bounds a hostile file cannot pass.

ruamel.yaml keeps anchors and aliases as shared nodes, so a few lines of aliases of
aliases ("billion laughs") load quickly and explode only when the data are walked or
printed. :func:`load_yaml` therefore

- refuses nesting deeper than :data:`MAX_DEPTH` (ruamel.yaml's own ``max_depth``;
  thousands of brackets would otherwise exhaust Python's recursion);
- counts the nodes that aliases add when expanded and refuses the alias that takes the
  total past :data:`ALIAS_BUDGET`, and refuses an alias of a node that contains it;
- reads the text as UTF-8 only (:func:`read_text`), naming the line of the first bad byte.

Errors are ruamel.yaml's own marked errors (:class:`ruamel.yaml.error.YAMLError` with a
``problem_mark``), so callers report them with the line as they report a syntax error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml.composer import Composer, ComposerError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

#: Deepest nesting of lists and mappings accepted.
MAX_DEPTH = 64
#: Nodes that aliases may add to a document when expanded (a case file needs a handful).
ALIAS_BUDGET = 10_000


class _BoundedComposer(Composer):
    """ruamel.yaml's composer with a budget for what aliases expand to."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self._expanded = 0
        self._sizes: dict[int, int] = {}

    def _size(self, node: Node) -> int:
        """Nodes in ``node`` once every alias inside it is expanded (memoised)."""
        known = self._sizes.get(id(node))
        if known is not None:
            return known
        total = 1
        if isinstance(node, SequenceNode):
            total += sum(self._size(child) for child in node.value)
        elif isinstance(node, MappingNode):
            total += sum(self._size(k) + self._size(v) for k, v in node.value)
        self._sizes[id(node)] = total
        return total

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.parser.check_event(AliasEvent):
            event = self.parser.peek_event()
            target = self.anchors.get(event.anchor)
            if target is not None:
                if isinstance(target, SequenceNode | MappingNode) and target.end_mark is None:
                    raise ComposerError(
                        None, None, f"alias *{event.anchor} refers to a node that contains it",
                        event.start_mark,
                    )
                self._expanded += self._size(target)
                if self._expanded > ALIAS_BUDGET:
                    raise ComposerError(
                        None,
                        None,
                        f"aliases expand to more than {ALIAS_BUDGET:,} nodes (at *{event.anchor}); "
                        "write the values out or use fewer aliases",
                        event.start_mark,
                    )
        return super().compose_node(parent, index)


def loader() -> Any:
    """A round-trip YAML loader (line numbers kept) with the bounds above."""
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.max_depth = MAX_DEPTH
    y.Composer = _BoundedComposer
    return y


def load_yaml(text: str) -> Any:
    """Parse ``text``; raises :class:`ruamel.yaml.error.YAMLError` (with the line) if refused."""
    from ruamel.yaml.composer import MaxDepthExceededError

    try:
        return loader().load(text)
    except MaxDepthExceededError as exc:
        raise ComposerError(
            None,
            None,
            f"lists and mappings are nested deeper than {MAX_DEPTH} levels",
            exc.problem_mark,
        ) from None


def kind(value: Any) -> str:
    """What a YAML value is, for an error message ("a list", "a mapping", "a tagged value")."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if getattr(value, "tag", None) is not None and type(value).__name__.startswith("Tagged"):
        return f"a value tagged {value.tag}"
    return f"a {type(value).__name__}"


class NotUTF8Error(ValueError):
    """The file is not UTF-8; ``line`` is the line of the first byte that is not."""

    def __init__(self, line: int, detail: str) -> None:
        self.line = line
        super().__init__(f"not UTF-8 text ({detail}); save the file as UTF-8")


def read_text(path: str | Path) -> str:
    """The file's text, UTF-8 only (a BOM is dropped); raises OSError or :class:`NotUTF8Error`."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise NotUTF8Error(line, f"byte 0x{data[exc.start]:02x} at offset {exc.start}") from None
