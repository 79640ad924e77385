"""Household roster import (Excel/CSV): reader, header and label matching, bulk writer, and the service."""
