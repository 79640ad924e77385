"""Poverty standards as pure rules: plain values in, plain values out, no Django."""

from .classify import classify
from .records import Dwelling, HouseholdRecord, Member, Result, Standard
from .validate import RecordError, parse_household

__all__ = [
    "Dwelling", "HouseholdRecord", "Member", "RecordError", "Result", "Standard",
    "classify", "parse_household",
]
