"""SIPRI military expenditure (``milex``) for each side, constant 2022 US$ millions."""

from __future__ import annotations

from allyscope.panel.family import Context, Family, Join


def _build(ctx: Context) -> Join:
    t = ctx.table("sipri_milex")
    sub = (
        f"(SELECT ccode, year, max(value) FILTER (indicator = 'constant_2022_usd_m') AS usd, "
        f"max(value) FILTER (indicator = 'share_of_gdp') AS gdp FROM {t} "
        "WHERE ccode IS NOT NULL GROUP BY ALL)"
    )
    joins = (
        f"LEFT JOIN {sub} mx1 ON mx1.ccode = b.ccode1 AND mx1.year = b.year "
        f"LEFT JOIN {sub} mx2 ON mx2.ccode = b.ccode2 AND mx2.year = b.year"
    )
    return Join(
        joins,
        {
            "sipri_milex1": "mx1.usd",
            "sipri_milex2": "mx2.usd",
            "sipri_milex_gdp1": "mx1.gdp",
            "sipri_milex_gdp2": "mx2.gdp",
        },
    )


FAMILY = Family(
    name="milex",
    description="SIPRI Military Expenditure Database (2024 release)",
    datasets=("sipri_milex",),
    columns={
        "sipri_milex1": "military expenditure of ccode1, constant 2022 US$ million",
        "sipri_milex2": "military expenditure of ccode2, constant 2022 US$ million",
        "sipri_milex_gdp1": "military expenditure of ccode1, share of GDP (0.02 = 2%)",
        "sipri_milex_gdp2": "military expenditure of ccode2, share of GDP",
    },
    coverage=(1949, 2023),
    build=_build,
)
