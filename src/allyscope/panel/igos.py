"""COW IGO 3.0 (``igos``): number of IGOs in which both states are full members."""

from __future__ import annotations

from allyscope.panel.family import Context, Family, Join, undirected_key_join


def _build(ctx: Context) -> Join:
    return Join(undirected_key_join("ig", ctx.table("cow_igo_dyadic")), {"igos": "ig.dyadigos"})


FAMILY = Family(
    name="igos",
    description="COW IGO 3.0: shared full memberships",
    datasets=("cow_igo_dyadic",),
    columns={"igos": "number of IGOs in which both states are full members"},
    coverage=(1816, 2014),
    build=_build,
)
