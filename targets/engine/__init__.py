"""Attainment rules as pure functions (no Django). See docs/attainment.md."""

from .attainment import Assessment, Goal, Observation, assess

__all__ = ["Assessment", "Goal", "Observation", "assess"]
