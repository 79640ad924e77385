"""Poverty standards as pure rules: plain values in, plain values out, no Django."""

from .classify import classify, classify_many
from .records import Dwelling, HouseholdRecord, Member, Result, Standard
from .validate import RecordError, parse_household

__all__ = [
    "Dwelling", "HouseholdRecord", "Member", "RecordError", "Result", "Standard",
    "classify", "classify_many", "parse_household",
]
