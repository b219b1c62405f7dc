"""Assessment: criteria, typology (rules + calibration), periods, asymmetry, drivers/obstacles."""

from allyscope.assessment.atlas import atlas
from allyscope.assessment.calibration import Validation, validate
from allyscope.assessment.engine import Assessment, assess
from allyscope.assessment.rank import rank
from allyscope.assessment.typology import LADDER, Thresholds

__all__ = [
    "LADDER",
    "Assessment",
    "Thresholds",
    "Validation",
    "assess",
    "atlas",
    "rank",
    "validate",
]
