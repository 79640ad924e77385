"""Attainment rules and an indicator's value as pure functions (no Django). See docs/attainment.md."""

from .attainment import Assessment, Goal, Observation, assess
from .values import PERCENT, indicator_value

__all__ = ["PERCENT", "Assessment", "Goal", "Observation", "assess", "indicator_value"]
