"""Drivers and obstacles: what pushes the relationship up or down in each period.

Indicator rules (each item carries the period, the indicator, its mean over the period's
years with data, the effect and the source):

- percentiles among all dyads (convergence, trade, IGOs, opposition to the third party):
  effect = mean - 0.5; a driver above the median, an obstacle below;
- commitments and cooperation records (ATOP provisions, registry defence clauses,
  partnerships, military cooperation, shared organisations, common rivals or opponents):
  drivers when present, effect = share of years present;
- hostility (rivalry, disputes, severed relations, clashes): obstacles when present;
- dependence shares (trade, arms): drivers when they reach the depth threshold;
- trends: converging ideal points and growing trade are drivers, the reverse obstacles.

Registry rows in force or dated within the period are listed too (treaty registry and
evidence registries), cooperative rows as drivers and friction rows as obstacles, with
effect 0.75 when the row starts within the period and 0.25 when it was already standing.
Items are ranked by |effect| per period.
"""

from __future__ import annotations

import polars as pl

from allyscope.assessment.typology import Thresholds
from allyscope.indicators.catalog import INDICATORS
from allyscope.sources import curated, evidence

PERCENTILES = (
    "ideal_closeness_pct",
    "un_agree_pct",
    "trade_pct",
    "igos_pct",
    "third_opposition",
    "icews_events_pct",
)
PRESENT_UP = (
    "atop_defense",
    "atop_offense",
    "atop_neutral",
    "atop_nonagg",
    "atop_consul",
    "reg_defence",
    "reg_defence_coop",
    "reg_nonaggression",
    "common_threats",
    "cobelligerent",
    "shared_orgs",
    "reg_partnership_level",
    "reg_designation",
)
PRESENT_DOWN = (
    "strategic_rivalry",
    "mid_direct_hostility",
    "reg_friction",
    "opposite_sides",
    "icews_matl_conf",
)
SHARES = ("trade_share_a", "trade_share_b", "arms_share_a_from_b", "arms_share_b_from_a")
MARGIN = 0.05


def _source(name: str, versions: dict[str, str]) -> str:
    ind = INDICATORS[name]
    return ", ".join(f"{d} {versions.get(d, '')}".strip() for d in ind.datasets)


def _item(
    period: str, name: str, value: float, effect: float, versions: dict[str, str], n: int
) -> dict[str, object]:
    return {
        "period": period,
        "indicator": name,
        "dimension": INDICATORS[name].dimension,
        "value": round(value, 4),
        "effect": round(effect, 4),
        "years_with_data": n,
        "description": INDICATORS[name].description,
        "source": _source(name, versions),
    }


def drivers_obstacles(
    years: pl.DataFrame, periods: list[dict[str, object]], th: Thresholds, versions: dict[str, str]
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    drivers: list[dict[str, object]] = []
    obstacles: list[dict[str, object]] = []
    reg = curated.bilateral().select(
        "id", "kind", "name", "signed", "start_year", "direction", "source", "line"
    )
    evid = evidence.evidence().select(
        "id", "kind", "subkind", "label", "start", "end", "start_date", "source", "file", "line"
    )
    for p in periods:
        label = f"{p['start']}-{p['end']}"
        seg = years.filter(pl.col("year").is_between(p["start"], p["end"]))
        items: list[dict[str, object]] = []
        for name in (
            PERCENTILES + PRESENT_UP + PRESENT_DOWN + SHARES + ("ideal_trend", "trade_trend")
        ):
            col = seg[name].drop_nulls().cast(pl.Float64)
            if col.len() == 0:
                continue
            mean = float(col.mean())  # type: ignore[arg-type]
            n = col.len()
            if name in PERCENTILES:
                if abs(mean - 0.5) >= MARGIN:
                    items.append(_item(label, name, mean, mean - 0.5, versions, n))
            elif name in PRESENT_UP:
                share = float((col > 0).mean())  # type: ignore[arg-type]
                if share > 0:
                    items.append(_item(label, name, mean, share, versions, n))
            elif name in PRESENT_DOWN:
                share = float((col > 0).mean())  # type: ignore[arg-type]
                if share > 0:
                    items.append(_item(label, name, mean, -share, versions, n))
            elif name in SHARES:
                if mean >= th.depth:
                    items.append(_item(label, name, mean, min(mean, 1.0), versions, n))
            elif name == "ideal_trend" and abs(mean) >= 0.02:
                items.append(_item(label, name, mean, -mean * 5, versions, n))
            elif name == "trade_trend" and abs(mean) >= 0.02:
                items.append(_item(label, name, mean, mean * 5, versions, n))
        ids = sorted({i for lst in seg["reg_ids"].to_list() for i in (lst or [])})
        for r in reg.filter(pl.col("id").is_in(ids)).iter_rows(
            named=True
        ):  # a handful of registry rows
            items.append(
                {
                    "period": label,
                    "indicator": f"registry:{r['id']}",
                    "dimension": "institutional",
                    "value": r["name"],
                    # rows that start within the period weigh more than standing older ones
                    "effect": (0.75 if p["start"] <= r["start_year"] <= p["end"] else 0.25)
                    * (1 if r["direction"] > 0 else -1),
                    "description": f"{r['kind']} ({r['signed']})",
                    "source": f"{r['source']} [sources/curated/bilateral.csv line {r['line']}]",
                }
            )
        ev_ids = sorted(
            {i.split("@", 1)[0] for lst in seg["reg_evidence_ids"].to_list() for i in (lst or [])}
        )
        for r in evid.filter(pl.col("id").is_in(ev_ids)).iter_rows(named=True):  # the period's rows
            starts = p["start"] <= r["start_date"].year <= p["end"]
            sign = -1 if r["kind"] == "friction" else 1
            items.append(
                {
                    "period": label,
                    "indicator": f"evidence:{r['id']}",
                    "dimension": "diplomatic" if r["kind"] == "partnership" else "security",
                    "value": r["label"],
                    "effect": (0.75 if starts else 0.25) * sign,
                    "description": f"{r['kind']} / {r['subkind']} ({r['start']}"
                    + (f" to {r['end']}" if r["end"] else "")
                    + ")",
                    "source": f"{r['source']} [sources/curated/evidence/{r['file']} line {r['line']}]",
                }
            )
        for it in items:
            (drivers if float(it["effect"]) > 0 else obstacles).append(it)  # type: ignore[arg-type]
    drivers.sort(key=lambda d: (str(d["period"]), -abs(float(d["effect"]))))  # type: ignore[arg-type]
    obstacles.sort(key=lambda d: (str(d["period"]), -abs(float(d["effect"]))))  # type: ignore[arg-type]
    return drivers, obstacles
