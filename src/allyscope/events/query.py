"""The aggregation query, written once as SQL and rendered for each engine's dialect.

One pass over the input: every row is parsed (date, actors, event type, the dataset's own
quad class and Goldstein-type score) and its values are replaced by their rows in small
lookup tables built in Python (actor value -> COW code, with the years it switches; event
code or text -> quad class and Goldstein score); the rows are counted per distinct
combination of these row ids and period (:func:`keyed_sql`). Each combination is then
checked once and its rows counted: a row that cannot be counted keeps only its reason
(and, for an unknown actor or event, the value), so every row lands in exactly one group:
counted events per directed dyad, period and quad class, or skipped rows per reason.

Formats whose actors are free text (ICEWS country names, ICEWS14 actor names) or whose
event types are texts (ICEWS14) first run :func:`vocabulary_sql`, which lists the distinct
values (and the years each actor appears in) so that Python can map them with the state
table; formats coded in ISO/CAMEO/COW codes use lookups built from the tables directly.

Only identifier and literal quoting and the name of the text type differ between
engines; the functions used (``split_part``, ``TRY_CAST``, ``EXTRACT``, ``concat``,
``substr``, ``LIKE``, ``LEFT JOIN``, ``UNION ALL``) mean the same in DuckDB, Polars SQL and
Spark SQL, which the engine-equality tests check.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from allyscope.events.engines import Engine
from allyscope.events.formats import Format

TAB = "\t"
#: Roles read from the input as text.
TEXT_ROLES = ("source", "target", "source_cow", "target_cow", "event", "quad")
#: Lookup tables the main query joins (built by allyscope.events.aggregate.lookups).
LOOKUPS = ("lk_actor", "lk_cow", "lk_event", "lk_quad")  # and each one's ``_ids`` (value -> id)
#: Plausible event years; a date outside them counts as a bad date.
FIRST_YEAR = 1800


@dataclass(frozen=True)
class Input:
    """A group of files read the same way (one query each).

    ``kind`` is ``parquet`` (``columns`` maps role -> column name, ``types`` role -> Arrow
    type kind: string, int, float or date) or ``lines`` (``columns`` maps role -> 1-based
    field position; ``expected`` the valid field counts; ``header_first`` the first field
    of a header line to skip).
    """

    kind: str
    paths: tuple[str, ...]
    columns: dict[str, str | int]
    expected: tuple[int, ...] = ()
    header_first: str | None = None
    types: dict[str, str] = field(default_factory=dict)


def raw(engine: Engine, inp: Input, role: str) -> str | None:
    """The expression of a role's value as text, as stored (None if the input lacks it)."""
    if role not in inp.columns:
        return None
    ref = inp.columns[role]
    if inp.kind == "lines":
        return f"split_part(line, {engine.literal(TAB)}, {int(ref)})"
    col = engine.ident(str(ref))
    if inp.types.get(role, "string") == "string":
        return col
    return f"CAST({col} AS {engine.text_type})"


def _date(engine: Engine, inp: Input, date_kind: str) -> str:
    if inp.kind == "parquet" and inp.types.get("date") == "date":
        return f"CAST({engine.ident(str(inp.columns['date']))} AS DATE)"
    s = raw(engine, inp, "date")
    if date_kind == "yyyymmdd":
        return (
            f"CASE WHEN length({s}) = 8 THEN TRY_CAST(concat(substr({s}, 1, 4), '-', "
            f"substr({s}, 5, 2), '-', substr({s}, 7, 2)) AS DATE) END"
        )
    return (
        f"CASE WHEN substr({s}, 5, 1) = '-' AND substr({s}, 8, 1) = '-' "
        f"THEN TRY_CAST(substr({s}, 1, 10) AS DATE) END"
    )


def _goldstein(engine: Engine, inp: Input) -> str:
    r = raw(engine, inp, "goldstein")
    if r is None:
        return "CAST(NULL AS DOUBLE)"
    if inp.kind == "parquet" and inp.types.get("goldstein") in ("int", "float"):
        return f"CAST({r} AS DOUBLE)"
    return f"TRY_CAST(NULLIF(TRIM({r}), '') AS DOUBLE)"


def _in(engine: Engine, expr: str, values: Sequence[str]) -> str:
    return f"{expr} IN ({', '.join(engine.literal(v) for v in values)})"


def pushdown(engine: Engine, inp: Input, spellings: dict[str, list[str]], like: bool) -> str:
    """A WHERE clause keeping rows whose both actors are among ``spellings`` (role -> values).

    It runs on the raw columns, so Parquet scans can skip row groups; ``like`` adds
    ``%(Name)`` patterns for actor names that carry the country in brackets (ICEWS14).
    The exact dyad filter is applied after mapping; this one only has to be a superset.
    """
    parts = []
    for side, cow in (("source", "source_cow"), ("target", "target_cow")):
        r = raw(engine, inp, side)
        ors = [_in(engine, r, spellings["names"])]
        if like:
            ors += [f"{r} LIKE {engine.literal('%(' + v + ')')}" for v in spellings["names"]]
        cow_raw = raw(engine, inp, cow)
        if cow_raw is not None:
            ors.append(_in(engine, cow_raw, spellings["cow"]))
        parts.append("(" + " OR ".join(ors) + ")")
    return " AND ".join(parts)


def _parsed(engine: Engine, inp: Input, date_kind: str, by_month: bool, where: str | None) -> str:
    """Rows of ``events`` as text roles, date ``d``, score ``g``, ``year`` (and ``month``)."""
    cols = []
    for r in TEXT_ROLES:
        e = raw(engine, inp, r)
        cols.append(f"{e} AS {r}" if e is not None else f"CAST(NULL AS {engine.text_type}) AS {r}")
    cols += [f"{_date(engine, inp, date_kind)} AS d", f"{_goldstein(engine, inp)} AS g"]
    filters = []
    if inp.kind == "lines":
        n_fields = f"length(line) - length(replace(line, {engine.literal(TAB)}, '')) + 1"
        cols.append(f"{n_fields} AS n_fields")
        filters.append("line IS NOT NULL AND line <> ''")  # blank lines are not rows
        if inp.header_first is not None:
            first = f"split_part(line, {engine.literal(TAB)}, 1)"
            filters.append(f"{first} <> {engine.literal(inp.header_first)}")
    else:
        cols.append("0 AS n_fields")
    if where:
        filters.append(f"({where})")
    p = f"SELECT {', '.join(cols)} FROM events"
    if filters:
        p += " WHERE " + " AND ".join(filters)
    period = "CAST(EXTRACT(YEAR FROM d) AS INTEGER) AS year"
    if by_month:
        period += ", CAST(EXTRACT(MONTH FROM d) AS INTEGER) AS month"
    return f"SELECT {', '.join(TEXT_ROLES)}, d, g, n_fields, {period} FROM ({p}) p"


def keyed_sql(
    engine: Engine,
    inp: Input,
    fmt: Format,
    by_month: bool,
    where: str | None,
    dates: bool,
    preaggregate: bool = True,
    listed: Collection[str] = (),
) -> str:
    """Rows with their values replaced by lookup ids, counted per distinct combination.

    Columns: ``sk``/``tk`` (source and target: ``lk_actor.id``), ``sck``/``tck`` (POLECAT's
    COW columns: ``lk_cow.id``), ``ek`` (event: ``lk_event.id``, or ``lk_quad.id`` for a
    dataset's own quad class); for a value no lookup lists, its id is null and its raw text
    is kept (``source``, ``target``, ``source_cow``, ``target_cow``, ``ev_raw``; always
    null for the roles in ``listed``, whose lookups list every value of the input). Then
    ``year`` (``month``), ``n_fields`` and per combination ``n`` (rows), ``g_sum``/``g_n``
    (sum and count of the file's own score, else the event type's) and ``d0``/``d1`` (first
    and last day, null unless ``dates``). Grouping on small integer ids is cheap, and the checks of
    :func:`aggregate_sql` then run once per combination instead of once per row. A bad
    date is a null year. ``preaggregate`` False: one combination per row (``n`` = 1).
    """
    p = _parsed(engine, inp, fmt.date_kind, by_month, where)
    own_quad = "quad" in fmt.roles
    text = engine.text_type
    lookups = [("sk", "source", "lk_actor"), ("tk", "target", "lk_actor")]
    polecat = fmt.actor_kind == "polecat"
    if polecat:
        lookups += [("sck", "source_cow", "lk_cow"), ("tck", "target_cow", "lk_cow")]
    lookups.append(("ek", "quad" if own_quad else "event", "lk_quad" if own_quad else "lk_event"))
    # an actor value that is missing, unmatched or several countries in every year decides
    # the row's reason on its own (POLECAT excepted: its COW column may still name a state),
    # so the raw texts of the values checked after it need not be kept
    settled = {
        "sk": [],
        "tk": [] if polecat else ["(sk.id IS NULL OR sk.issue > 0)"],
    }
    settled["ek"] = [] if polecat else [*settled["tk"], "(tk.id IS NULL OR tk.issue > 0)"]
    keys: dict[str, str] = {}  # name -> per-row expression; grouped on
    const: dict[str, str] = {}  # name -> the same value for every row
    joins = []
    for key, role, table in lookups:
        joins.append(f"LEFT JOIN {table}_ids {key} ON k.{role} = {key}.v")
        # the id itself is kept even when an earlier value settles the row: nulling it
        # would halve the combinations but costs more per row than it saves (5M rows:
        # 313k combinations in 0.53 s with the CASEs, 628k in 0.45 s without)
        keys[key] = f"{key}.id"
        name, value = (
            ("ev_raw", "COALESCE(k.event, k.quad)") if key == "ek" else (role, f"k.{role}")
        )
        if role in listed or (key != "ek" and raw(engine, inp, role) is None):
            const[name] = f"CAST(NULL AS {text})"
        else:
            unset = " OR ".join([*settled.get(key, []), f"{key}.id IS NOT NULL"])
            keys[name] = f"CASE WHEN {unset} THEN NULL ELSE {value} END"
    keys["year"] = "k.year"
    if by_month:
        keys["month"] = "k.month"
    if inp.kind == "lines":
        keys["n_fields"] = "k.n_fields"
    else:
        const["n_fields"] = "0"
    # the score: the file's own, else the event type's (summed here, so that event types
    # with the same quad class share an id)
    own_score = "goldstein" in fmt.roles or own_quad
    g = "k.g" if own_score else "ek.goldstein"
    scored = raw(engine, inp, "goldstein") is not None or not own_score
    row_cols = [f"{e} AS {n}" for n, e in keys.items()] + [f"{g} AS g", "k.d"]
    rows = f"SELECT {', '.join(row_cols)} FROM ({p}) k {' '.join(joins)}"
    out = list(keys) + [f"{e} AS {n}" for n, e in const.items()]
    if not preaggregate:
        return (
            f"SELECT {', '.join(out)}, 1 AS n, g AS g_sum, "
            "CASE WHEN g IS NULL THEN 0 ELSE 1 END AS g_n, d AS d0, d AS d1 "
            f"FROM ({rows}) r"
        )
    if not scored:
        score = "CAST(NULL AS DOUBLE) AS g_sum, 0 AS g_n"
    elif own_score:
        score = "SUM(g) AS g_sum, COUNT(g) AS g_n"
    else:  # the event type's score: all rows of a combination have one or none
        score = "SUM(g) AS g_sum, CASE WHEN SUM(g) IS NULL THEN 0 ELSE COUNT(*) END AS g_n"
    days = (
        "MIN(d) AS d0, MAX(d) AS d1"
        if dates
        else "CAST(NULL AS DATE) AS d0, CAST(NULL AS DATE) AS d1"
    )
    return (
        f"SELECT {', '.join(out)}, COUNT(*) AS n, {score}, {days} "
        f"FROM ({rows}) r GROUP BY {', '.join(keys)}"
    )


def vocabulary_sql(
    engine: Engine,
    inp: Input,
    fmt: Format,
    where: str | None,
    actors: bool,
    events: bool,
    last_year: int,
    years: bool = True,
) -> str:
    """Distinct actor values, distinct event values, and the first and last date of the data.

    Rows: ``role`` ('actor', 'event' or 'years'), ``v`` (the value), ``y0``/``y1`` and
    ``d0``/``d1`` (first and last year and day among plausible dates, 'years' row only;
    ``years`` False leaves that row out, when :func:`date_range_sql` has found them).
    """
    p = _parsed(engine, inp, fmt.date_kind, False, where)
    text = engine.text_type
    parts = [
        f"SELECT 'years' AS role, CAST(NULL AS {text}) AS v, MIN(year) AS y0, MAX(year) AS y1, "
        f"MIN(d) AS d0, MAX(d) AS d1 FROM ({p}) y "
        f"WHERE year >= {FIRST_YEAR} AND year <= {last_year}"
    ]
    if not years:
        parts = []
    none = "CAST(NULL AS INTEGER)"
    nodate = "CAST(NULL AS DATE)"
    if actors:
        parts.append(
            f"SELECT 'actor' AS role, v, {none} AS y0, {none} AS y1, {nodate} AS d0, "
            f"{nodate} AS d1 FROM (SELECT source AS v FROM ({p}) a UNION "
            f"SELECT target AS v FROM ({p}) b) u WHERE v IS NOT NULL"
        )
    if events:
        parts.append(
            f"SELECT 'event' AS role, event AS v, {none} AS y0, {none} AS y1, {nodate} AS d0, "
            f"{nodate} AS d1 FROM ({p}) e WHERE event IS NOT NULL GROUP BY event"
        )
    return " UNION ALL ".join(parts)


def date_range_sql(engine: Engine, inp: Input) -> str | None:
    """First and last date of a Parquet DATE column, read raw so engines can use its statistics."""
    if inp.kind != "parquet" or inp.types.get("date") != "date":
        return None
    col = engine.ident(str(inp.columns["date"]))
    return f"SELECT CAST(MIN({col}) AS DATE) AS d0, CAST(MAX({col}) AS DATE) AS d1 FROM events"


#: Reason codes the query returns (0: counted); names in allyscope.events.aggregate.REASONS.
REASON_CODES = {
    1: "wrong_column_count",
    2: "bad_date",
    3: "source_missing",
    4: "source_unmatched",
    5: "source_several",
    6: "target_missing",
    7: "target_unmatched",
    8: "target_several",
    9: "event_unknown",
    10: "same_state",
}
#: Actor issue codes of the lookup (``lk_actor.issue``): 0 a state, then as below.
ISSUES = {0: None, 1: "missing", 2: "unmatched", 3: "several"}


def aggregate_sql(
    engine: Engine,
    inp: Input,
    fmt: Format,
    by_month: bool,
    where: str | None,
    last_year: int,
    switches: int = 0,
    raw_details: bool = True,
    dates: bool = True,
    preaggregate: bool = True,
    listed: Collection[str] = (),
) -> str:
    """The aggregation query over ``events`` and the lookups, for one input group.

    Reasons and issues are small integers (:data:`REASON_CODES`, :data:`ISSUES`) and an
    unknown value is reported by its lookup id (``detail_id``) where the lookup lists it,
    else by its text (``detail``), so that the grouping stays on integers. ``dates``
    False leaves out the first and last day (the vocabulary pass already found them).

    Two steps: :func:`keyed_sql` replaces each value by its lookup row (``id``) and, with
    ``preaggregate`` (the default), counts the rows per distinct combination of ids, raw
    values of unlisted values, period and field count; the checks, the year-dependent
    states and the reasons below then run once per combination and sum its rows. With
    ``preaggregate`` False every row is its own combination (the same result, slower).
    """
    k = keyed_sql(engine, inp, fmt, by_month, where, dates, preaggregate, listed)
    polecat = fmt.actor_kind == "polecat"
    joins = ["LEFT JOIN lk_actor sa ON k.sk = sa.id", "LEFT JOIN lk_actor ta ON k.tk = ta.id"]

    def by_year(lk: str) -> str:
        """The value's state in the row's year (lk_actor's switch columns, latest first)."""
        if not switches:
            return f"{lk}.ccode"
        whens = " ".join(f"WHEN k.year >= {lk}.y{i} THEN {lk}.c{i}" for i in range(switches, 0, -1))
        return f"CASE {whens} ELSE {lk}.ccode END"

    s_cc, t_cc = by_year("sa"), by_year("ta")
    if polecat:  # POLECAT's own COW column first, its ISO3 column as the fallback
        joins += [
            "LEFT JOIN lk_cow sc ON k.sck = sc.id",
            "LEFT JOIN lk_cow tc ON k.tck = tc.id",
        ]
        s_cc, t_cc = f"COALESCE(sc.ccode, {s_cc})", f"COALESCE(tc.ccode, {t_cc})"
    if "quad" in fmt.roles:  # the dataset's own quad class (GDELT QuadClass, POLECAT)
        joins.append("LEFT JOIN lk_quad q ON k.ek = q.id")
        quad, ev_id = "q.quad", "CAST(NULL AS INTEGER)"
    else:
        joins.append("LEFT JOIN lk_event e ON k.ek = e.id")
        quad, ev_id = "e.quad", "e.vid"
    gs, gn = "k.g_sum", "k.g_n"  # the file's own score or the event type's, summed per combination

    def issue(side: str, cc: str, lk: str) -> str:
        """0 a state, 1 missing, 2 unmatched (not in the lookup), 3 several countries."""
        first = f"WHEN k.{side} IS NULL AND k.{side[0]}k IS NULL THEN 1 "
        if polecat:  # lists of countries, and the COW column when the ISO3 one is empty
            first = (
                f"WHEN k.{side} LIKE '%;%' OR k.{side}_cow LIKE '%;%' THEN 3 "
                f"WHEN {cc} IS NOT NULL THEN 0 " + first
            )
        return (
            f"CASE {first}WHEN {lk}.issue IS NULL THEN 2 "
            f"WHEN {lk}.issue = 0 AND {cc} IS NULL THEN 2 ELSE {lk}.issue END"
        )

    bad_fields = (
        f"j.n_fields NOT IN ({', '.join(str(n) for n in inp.expected)})"
        if inp.kind == "lines"
        else "1 = 0"
    )
    period = "k.year" + (", k.month" if by_month else "")
    j = (
        "SELECT COALESCE(k.source, sa.v) AS src_raw, COALESCE(k.target, ta.v) AS tgt_raw, "
        f"k.ev_raw, k.n, k.d0, k.d1, k.n_fields, {period}, {s_cc} AS s_cc, {t_cc} AS t_cc, "
        f"{issue('source', s_cc, 'sa')} AS s_issue, {issue('target', t_cc, 'ta')} AS t_issue, "
        f"sa.vid AS s_id, ta.vid AS t_id, {ev_id} AS e_id, {quad} AS qv, {gs} AS gs, {gn} AS gn "
        f"FROM ({k}) k {' '.join(joins)}"
    )
    reason = (
        f"CASE WHEN {bad_fields} THEN 1 "
        f"WHEN j.year IS NULL OR j.year < {FIRST_YEAR} OR j.year > {last_year} THEN 2 "
        "WHEN j.s_issue > 0 THEN 2 + j.s_issue "
        "WHEN j.t_issue > 0 THEN 5 + j.t_issue "
        "WHEN j.qv IS NULL THEN 9 "
        "WHEN j.s_cc = j.t_cc THEN 10 ELSE 0 END"
    )
    r = f"SELECT j.*, {reason} AS reason FROM ({j}) j"
    valid = "reason NOT IN (1, 2)"
    keys = {
        "reason": "reason",
        "detail_id": "CASE WHEN reason = 4 THEN s_id WHEN reason = 7 THEN t_id "
        "WHEN reason = 9 THEN e_id END",
        "detail": "CASE WHEN reason = 4 AND s_id IS NULL THEN src_raw "
        "WHEN reason = 7 AND t_id IS NULL THEN tgt_raw "
        "WHEN reason = 9 AND e_id IS NULL THEN ev_raw END"
        if raw_details
        else f"CAST(NULL AS {engine.text_type})",
        "ccode1": "CASE WHEN reason = 0 THEN s_cc END",
        "ccode2": "CASE WHEN reason = 0 THEN t_cc END",
        "year": f"CASE WHEN {valid} THEN year END",
        **({"month": f"CASE WHEN {valid} THEN month END"} if by_month else {}),
        "quad": "CASE WHEN reason = 0 THEN qv END",
    }
    inner = ", ".join(f"{expr} AS {name}" for name, expr in keys.items())
    inner += (
        ", n, CASE WHEN reason = 0 THEN gs END AS gs, CASE WHEN reason = 0 THEN gn ELSE 0 END AS gn"
        f", CASE WHEN {valid} THEN d0 END AS dv0, CASE WHEN {valid} THEN d1 END AS dv1"
    )
    names = ", ".join(keys)
    no_days = "CAST(NULL AS DATE) AS first_day, CAST(NULL AS DATE) AS last_day"
    checked = f"(SELECT {inner} FROM ({r}) r) x"
    if preaggregate and not engine.groups_result:  # a row per combination, summed later
        days = "dv0 AS first_day, dv1 AS last_day" if dates else no_days
        return (
            f"SELECT {names}, CAST(n AS BIGINT) AS n, gs AS g_sum, CAST(gn AS BIGINT) AS g_n, "
            f"{days} FROM {checked}"
        )
    days = "MIN(dv0) AS first_day, MAX(dv1) AS last_day" if dates else no_days
    return (
        f"SELECT {names}, CAST(SUM(n) AS BIGINT) AS n, SUM(gs) AS g_sum, "
        f"CAST(SUM(gn) AS BIGINT) AS g_n, {days} FROM {checked} GROUP BY {names}"
    )
