"""What the household layer tells the rest of the project: "households of units U changed for years Y".

Household records do not know the plans that measure them. Every write path (services, roster import, entry
pages) calls `announce_change` once with the units and years it touched; listeners (the targets app's
recompute, registered in its AppConfig.ready) decide what to do. The signal fires after the transaction
commits, so a listener never reads rows a rolled-back write left behind.
"""

from django.db import transaction
from django.dispatch import Signal

# sent with unit_ids: list[int], years: list[int] — every (unit, year) pair of the product may have changed
households_changed = Signal()


def announce_change(unit_ids, years) -> None:
    """After the current transaction commits (at once outside one), tell listeners that the households of
    `unit_ids` changed for `years`. An import announces all the units it touched, once."""
    unit_ids = sorted({int(u) for u in unit_ids if u is not None})
    years = sorted({int(y) for y in years if y is not None})
    if not unit_ids or not years:
        return
    transaction.on_commit(lambda: households_changed.send(sender="households", unit_ids=unit_ids, years=years))
