"""Indicators: one function per measured quantity, grouped by dimension (see ``catalog``)."""

from allyscope.indicators.catalog import DIMENSIONS, INDICATORS, Indicator, catalog
from allyscope.indicators.frame import indicator_frame

__all__ = ["DIMENSIONS", "INDICATORS", "Indicator", "catalog", "indicator_frame"]
