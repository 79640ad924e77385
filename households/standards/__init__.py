"""Poverty standards as pure rules: plain values in, plain values out, no Django."""

from .classify import classify, classify_deprived
from .records import Dwelling, HouseholdRecord, Member, Result, Standard
from .validate import RecordError, parse_household

__all__ = [
    "Dwelling",
    "HouseholdRecord",
    "Member",
    "RecordError",
    "Result",
    "Standard",
    "classify",
    "classify_deprived",
    "parse_household",
]
