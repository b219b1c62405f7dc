"""Resolve names and codes to states.

Accepted input: COW numeric code (or G-W code with ``system="gw"``), ISO 3166 alpha-3 and
alpha-2 codes (current and withdrawn), COW abbreviations, English names and common aliases,
case-, accent- and punctuation-insensitively.

Precedence when one key means several things: ISO alpha-3 > ISO alpha-2 > COW abbreviation >
withdrawn ISO code > name or alias. So ``AUS`` is Australia (ISO) although COW abbreviates
Austria as AUS; write ``305`` or ``Austria`` for Austria. The shadowed COW abbreviations are
listed by :func:`shadowed_abbreviations`.

Some keys belong to two COW members at different times (``DEU``: 255 Germany and 260 German
Federal Republic; ``YEM``: 678 Yemen Arab Republic and 679 Yemen). Given a ``year``, the
member of that year is chosen; without one, the current (or most recent) member.
"""

from __future__ import annotations

import datetime as _dt
import numbers
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

import polars as pl

from allyscope.errors import InvalidInputError, UnknownStateError
from allyscope.states.normalize import normalize_name, normalize_names
from allyscope.states.table import cow_membership, gw_cow_crosswalk, gw_membership, state_table

# lower number wins when one key maps to several states
_PRIORITY = {"iso3": 0, "iso2": 1, "stateabb": 2, "iso_former": 3, "name": 4, "alias": 4}
SYSTEMS = ("cow", "gw")


@dataclass(frozen=True)
class State:
    """A state of the COW system, with its codes and membership spells."""

    cow: int
    stateabb: str
    name: str
    iso3: str | None
    iso2: str | None
    spells: tuple[tuple[_dt.date, _dt.date], ...] = field(repr=False)
    gw: int | None = None

    def member_in(self, year: int) -> bool:
        """True if the state was a COW system member at any time in ``year``."""
        return any(s.year <= year <= e.year for s, e in self.spells)

    @property
    def first_year(self) -> int:
        return min(s.year for s, _ in self.spells)

    @property
    def last_year(self) -> int:
        return max(e.year for _, e in self.spells)

    def spells_text(self) -> str:
        """Membership years, e.g. ``1816-1945, 1990-`` (an open spell has no end)."""
        from allyscope.states.table import OPEN_END_YEAR

        return ", ".join(
            f"{s.year}-{'' if e.year >= OPEN_END_YEAR else e.year}" for s, e in self.spells
        )

    def membership(self) -> list[dict[str, str]]:
        """Spells as ISO dates (an open spell ends on 31 December of the current year)."""
        return [{"start": s.isoformat(), "end": e.isoformat()} for s, e in self.spells]

    def as_dict(self) -> dict[str, object]:
        return {
            "cow": self.cow,
            "iso3": self.iso3,
            "name": self.name,
            "iso2": self.iso2,
            "stateabb": self.stateabb,
            "gw": self.gw,
            "membership": self.membership(),
        }


#: The kinds of key a source column can be restricted to (see :func:`assign_ccodes`).
KINDS = tuple(_PRIORITY)


@cache
def _alias_rows() -> pl.DataFrame:
    """One row per (normalised key, ccode, kind) before precedence is applied."""
    st = state_table()
    parts = []
    for kind in ("iso3", "iso2", "stateabb", "name"):
        parts.append(st.select("ccode", pl.col(kind).alias("value"), pl.lit(kind).alias("kind")))
    for kind in ("iso_former", "aliases"):
        parts.append(
            st.select(
                "ccode",
                pl.col(kind).str.split("|").alias("value"),
                pl.lit("alias" if kind == "aliases" else kind).alias("kind"),
            ).explode("value")
        )
    df = pl.concat(parts).filter(pl.col("value").is_not_null() & (pl.col("value") != ""))
    return df.with_columns(
        key=normalize_names(df["value"]),
        priority=pl.col("kind").replace_strict(_PRIORITY, return_dtype=pl.Int8),
    ).filter(pl.col("key") != "")


def _aggregate_keys(rows: pl.DataFrame) -> pl.DataFrame:
    return (
        rows.group_by("key", "ccode")
        .agg(pl.col("priority").min(), pl.col("kind").sort_by("priority").first())
        .sort("key", "priority", "ccode")
    )


@cache
def alias_table() -> pl.DataFrame:
    """Every matching key of every state: ``key`` (normalised), ``ccode``, ``kind``, ``priority``.

    The same table serves single look-ups (:func:`resolve`) and vectorised mapping of
    name columns in source data (:func:`ccodes_for_names`).
    """
    return _aggregate_keys(_alias_rows())


@cache
def _alias_table_for(kinds: tuple[str, ...]) -> pl.DataFrame:
    unknown = [k for k in kinds if k not in _PRIORITY]
    if unknown:
        raise InvalidInputError(f"unknown kind(s) of state key {unknown}; use {', '.join(KINDS)}")
    return _aggregate_keys(_alias_rows().filter(pl.col("kind").is_in(list(kinds))))


@cache
def _index() -> dict[str, list[tuple[int, int]]]:
    idx: dict[str, list[tuple[int, int]]] = {}
    for key, ccode, prio in alias_table().select("key", "ccode", "priority").iter_rows():
        idx.setdefault(key, []).append((prio, ccode))
    return idx


@cache
def _states() -> dict[int, State]:
    spells: dict[int, list[tuple[_dt.date, _dt.date]]] = {}
    for cc, s, e in cow_membership().select("ccode", "start", "end").iter_rows():
        spells.setdefault(cc, []).append((s, e))
    out = {}
    for row in state_table().iter_rows(named=True):
        cc = row["ccode"]
        out[cc] = State(
            cow=cc,
            stateabb=row["stateabb"],
            name=row["name"],
            iso3=row["iso3"] or None,
            iso2=row["iso2"] or None,
            spells=tuple(sorted(spells.get(cc, []))),
        )
    return out


def all_states() -> list[State]:
    """Every COW state, ordered by code."""
    return [_states()[c] for c in sorted(_states())]


def _gw_for(ccode: int, year: int | None) -> int | None:
    cw = gw_cow_crosswalk().filter(pl.col("ccode") == ccode)
    if year is not None:
        cw = cw.filter((pl.col("first_year") <= year) & (pl.col("last_year") >= year))
    if cw.is_empty():
        return None
    return int(cw.sort("last_year", "first_year").row(-1, named=True)["gwcode"])


def _cow_for_gw(gwcode: int, year: int | None) -> int | None:
    cw = gw_cow_crosswalk().filter(pl.col("gwcode") == gwcode)
    if year is not None:
        cw = cw.filter((pl.col("first_year") <= year) & (pl.col("last_year") >= year))
    if cw.is_empty():
        return None
    return int(cw.sort("last_year", "first_year").row(-1, named=True)["ccode"])


def _pick(candidates: list[int], year: int | None, query: str) -> int:
    states = _states()
    if len(candidates) == 1:
        return candidates[0]
    if year is not None:
        members = [c for c in candidates if states[c].member_in(year)]
        if len(members) == 1:
            return members[0]
        if not members:
            listing = "; ".join(
                f"{c} {states[c].name} {states[c].spells_text()}" for c in candidates
            )
            raise UnknownStateError(
                query, detail=f"none of its states was a system member in {year}: {listing}"
            )
        candidates = members
    # current member first, then the one whose membership ended last
    return max(candidates, key=lambda c: (states[c].last_year, states[c].first_year))


def _suggest(query: str, limit: int = 3) -> list[str]:
    from rapidfuzz import fuzz, process

    key = normalize_name(query)
    if not key:
        return []
    st = _states()
    matches = process.extract(key, list(_index()), scorer=fuzz.QRatio, limit=12)
    out: list[str] = []
    for k, score, _ in matches:
        if score < 55:
            continue
        for _, cc in sorted(_index()[k]):
            label = f"{st[cc].name} ({st[cc].iso3 or st[cc].stateabb}, {cc})"
            if label not in out:
                out.append(label)
        if len(out) >= limit:
            break
    return out[:limit]


def _check_system(system: str) -> None:
    if system not in SYSTEMS:
        raise InvalidInputError(f"unknown state system {system!r}; use one of: cow, gw")


#: Longest name accepted (the longest state name in the table has under 60 characters).
MAX_QUERY = 200


def _query_text(query: object) -> str:
    """A state query as text: a name or code (str), or a code (int); anything else, a
    control character or a paragraph-long string is refused."""
    if isinstance(query, bool) or not isinstance(query, str | numbers.Integral):
        raise InvalidInputError(
            f"a state is a name, an ISO code or a COW code (a str or an int), not a "
            f"{type(query).__name__}: {str(query)[:40]!r}"
        )
    if isinstance(query, numbers.Integral):
        if not -(10**6) < int(query) < 10**6:
            raise UnknownStateError("a very large number", detail="no state has such a code")
        return str(int(query))
    text = query.strip()
    if not text:
        raise InvalidInputError("empty state name; give a name, ISO code or COW code")
    if len(text) > MAX_QUERY:
        raise UnknownStateError(text[:40] + "...", detail=f"longer than {MAX_QUERY} characters")
    if any(unicodedata.category(ch)[0] == "C" for ch in text):
        raise InvalidInputError(f"state name {text[:40]!r} contains control characters")
    return text


def resolve(query: str | int, year: int | None = None, system: str = "cow") -> State:
    """Resolve one name or code to a :class:`State`.

    ``year`` picks among states that share a code over time and fills the G-W code of
    that year. A number is a COW code, or a G-W code when ``system="gw"``.
    Raises :class:`UnknownStateError` with the closest matches when nothing fits.
    """
    _check_system(system)
    if year is not None and (isinstance(year, bool) or not isinstance(year, numbers.Integral)):
        raise InvalidInputError(f"year must be a whole number such as 2023, not {year!r}")
    states = _states()
    text = _query_text(query)
    if text.lstrip("-").isascii() and text.lstrip("-").isdigit():
        if len(text) > 6:
            raise UnknownStateError(text[:20] + "...", detail="no state has so long a code")
        code = int(text)
        if system == "gw":
            cc = _cow_for_gw(code, year)
            if cc is None:
                raise UnknownStateError(text, detail="no G-W state with that code")
        else:
            cc = code
            if cc not in states:
                raise UnknownStateError(text, detail="no COW state with that code")
        return _with_gw(states[cc], year)
    hits = _index().get(normalize_name(text))
    if not hits:
        raise UnknownStateError(text, _suggest(text))
    best = min(p for p, _ in hits)
    cc = _pick(sorted({c for p, c in hits if p == best}), year, text)
    return _with_gw(states[cc], year)


def _with_gw(state: State, year: int | None) -> State:
    gw = _gw_for(state.cow, year)
    return State(state.cow, state.stateabb, state.name, state.iso3, state.iso2, state.spells, gw)


def resolve_many(queries: Iterable[str | int], year: int | None = None) -> list[State]:
    """Resolve several names; the first unknown one raises."""
    if isinstance(queries, str | bytes | dict) or not isinstance(queries, Iterable):
        raise InvalidInputError(f"queries must be a list of names or codes, not {queries!r}")
    return [resolve(q, year) for q in queries]


def resolve_dyad(a: str | int, b: str | int, year: int | None = None) -> tuple[State, State]:
    """Resolve a pair and refuse a state paired with itself."""
    sa, sb = resolve(a, year), resolve(b, year)
    if sa.cow == sb.cow:
        raise InvalidInputError(
            f"{a!s} and {b!s} are the same state ({sa.name}, COW {sa.cow}); a dyad needs two states"
        )
    return sa, sb


def shadowed_abbreviations() -> pl.DataFrame:
    """COW abbreviations that read as another state's ISO code (ISO wins)."""
    at = alias_table()
    iso = at.filter(pl.col("kind") == "iso3").select("key", iso_ccode="ccode")
    abb = at.filter(pl.col("kind") == "stateabb").select("key", cow_ccode="ccode")
    return abb.join(iso, on="key").filter(pl.col("iso_ccode") != pl.col("cow_ccode")).sort("key")


def state_spellings(ccodes: Iterable[int], kinds: Iterable[str] | None = None) -> list[str]:
    """Every code, name and alias of the states ``ccodes`` as written in the state table.

    Used to filter source data on its raw values before mapping (e.g. a dyad filter pushed
    down to a Parquet scan); ``kinds`` as in :func:`ccodes_for_names`.
    """
    rows = _alias_rows().filter(pl.col("ccode").is_in(list(ccodes)))
    if kinds is not None:
        rows = rows.filter(pl.col("kind").is_in(list(kinds)))
    return sorted(set(rows["value"].to_list()))


def ccodes_for_names(
    names: Iterable[str | None] | pl.Series, kinds: Iterable[str] | None = None
) -> pl.DataFrame:
    """Map distinct source names to candidate COW codes (vectorised over a join).

    Returns ``name``, ``ccode`` (null where nothing matched), ``priority``. A name can
    match several codes (e.g. ``Germany``: 255 and 260); callers pick the member of
    the row's year with :func:`assign_ccodes`. ``kinds`` restricts the keys matched
    (e.g. ``("iso3", "iso_former")`` for a column of ISO codes, so that a regional
    code never matches a COW abbreviation); None matches every kind.
    """
    given = names if isinstance(names, pl.Series) else pl.Series(list(names), dtype=pl.String)
    distinct = given.cast(pl.String).drop_nulls().unique().sort().alias("name")
    frame = pl.DataFrame({"name": distinct, "key": normalize_names(distinct)})
    table = alias_table() if kinds is None else _alias_table_for(tuple(sorted(set(kinds))))
    hits = frame.join(table.select("key", "ccode", "priority"), on="key", how="left")
    best = hits.group_by("name").agg(pl.col("priority").min().alias("best"))
    return (
        hits.join(best, on="name")
        .filter(pl.col("priority").is_null() | (pl.col("priority") == pl.col("best")))
        .select("name", "ccode", "priority")
    )


def assign_ccodes(
    df: pl.DataFrame,
    name_col: str,
    year_col: str,
    out_col: str,
    kinds: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Add ``out_col`` with the COW code of ``name_col`` in ``year_col`` (null if unmatched).

    Where a name matches several states, the one that was a system member in that year
    is used; if none was, the one whose membership is closest in time. ``kinds`` limits
    the kinds of key matched (see :func:`ccodes_for_names`).
    """
    cands = ccodes_for_names(df[name_col].unique(), kinds)
    spans = (
        cow_membership()
        .group_by("ccode")
        .agg(pl.col("start").dt.year().min().alias("y0"), pl.col("end").dt.year().max().alias("y1"))
    )
    spells = cow_membership().select(
        "ccode", pl.col("start").dt.year().alias("s"), pl.col("end").dt.year().alias("e")
    )
    keys = df.select(name_col, year_col).unique()
    m = (
        keys.join(cands, left_on=name_col, right_on="name", how="left")
        .join(spans, on="ccode", how="left")
        .join(spells, on="ccode", how="left")
        .with_columns(
            member=(pl.col(year_col) >= pl.col("s")) & (pl.col(year_col) <= pl.col("e")),
            dist=pl.min_horizontal(
                (pl.col(year_col) - pl.col("y1")).abs(), (pl.col(year_col) - pl.col("y0")).abs()
            ),
        )
        .sort(
            name_col,
            year_col,
            pl.col("member").fill_null(False),
            "dist",
            descending=[False, False, True, False],
            nulls_last=True,
        )
        .group_by(name_col, year_col, maintain_order=True)
        .first()
        .select(name_col, year_col, pl.col("ccode").alias(out_col))
    )
    return df.join(m, on=[name_col, year_col], how="left")


__all__ = [
    "KINDS",
    "SYSTEMS",
    "State",
    "alias_table",
    "all_states",
    "assign_ccodes",
    "ccodes_for_names",
    "gw_membership",
    "resolve",
    "resolve_dyad",
    "resolve_many",
    "shadowed_abbreviations",
    "state_spellings",
]
