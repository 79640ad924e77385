from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Q

from .models import ApiToken, Unit, UnitSuccession

EVERYWHERE = ""


def user_area_path(user) -> str | None:
    """Path prefix of the subtree the user may see; EVERYWHERE for all, None for nothing."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return EVERYWHERE
    profile = getattr(user, "profile", None)
    if profile is None:
        return None
    return profile.unit.path if profile.unit_id else EVERYWHERE


def area_ceased(user, today: date | None = None) -> bool:
    """Whether the user's unit no longer exists (a district after the 2025 reform): they keep reading its history
    and write nothing."""
    profile = getattr(user, "profile", None)
    unit = profile.unit if profile is not None and profile.unit_id else None
    return unit is not None and unit.valid_to is not None and unit.valid_to <= (today or date.today())


def ceased_area_notice(user, today: date | None = None) -> str:
    """What a user whose unit ceased is told wherever a write is refused (area_ceased), or ""."""
    from django.utils.translation import gettext as _

    if not area_ceased(user, today):
        return ""
    unit = user.profile.unit
    return _("%(unit)s ceased on %(date)s: your account reads its history and enters, submits or approves nothing.") % {
        "unit": unit.name,
        "date": unit.valid_to.strftime("%d/%m/%Y"),
    }


def filter_by_user_area(queryset, user, path_field="unit__path"):
    """Limit a queryset to the user's subtree (path_field is the lookup to a unit path)."""
    prefix = user_area_path(user)
    if prefix is None:
        return queryset.none()
    if prefix == EVERYWHERE:
        return queryset
    return queryset.filter(**{f"{path_field}__startswith": prefix})


def units_for_user(user):
    return filter_by_user_area(Unit.objects.all(), user, path_field="path")


def unit_by_code_or_404(units, code: str, year: int | None = None) -> Unit:
    """The unit of the queryset a code names (UnitQuerySet.by_code: codes are reused across the 2025 reform), or
    404."""
    from django.http import Http404

    unit = units.by_code(code, year)
    if unit is None:
        raise Http404
    return unit


def path_prefixes(path: str) -> list[str]:
    """The paths of a unit and of every unit above it, from the top: "94/942/" → ["94/", "94/942/"]."""
    parts = path.strip("/").split("/")
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def successor_weights(units, after: date | None = None) -> dict[int, list[tuple[int, Decimal]]]:
    """Where the households recorded in each of these units went when it (or the unit above it) ceased: {unit id:
    [(new unit id, weight)]}, the weights adding up to 1 — 1 for a unit in a village that moved whole, the table's
    share of households otherwise. Units of which no one above ceased are left out. Two queries: multiplying the
    stored counts of old units by these weights maps them into the new units (one step of succession). `after`: only
    the successions that took effect after that day (those that redrew the units a review of that day counted)."""
    paths = dict(units.values_list("id", "path"))
    rows = defaultdict(list)
    successions = UnitSuccession.objects.filter(
        old__path__in={p for path in paths.values() for p in path_prefixes(path)}
    )
    if after is not None:
        successions = successions.filter(valid_from__gt=after)
    for old_path, new_id, share, village_path in successions.values_list(
        "old__path", "new_id", "share", "village__path"
    ):
        rows[old_path].append((new_id, share, village_path))
    weights = {}
    for unit_id, path in paths.items():
        old = next((p for p in reversed(path_prefixes(path)) if p in rows), None)
        if old is None:
            continue
        village = [new for new, _s, v in rows[old] if v and path.startswith(v)]
        weights[unit_id] = (
            [(village[0], Decimal(1))] if village else [(new, share / 100) for new, share, v in rows[old] if not v]
        )
    return weights


def weights_today(unit_ids, year: int) -> dict[int, list[tuple[int, Decimal]]]:
    """Where the households a review year recorded in each unit count in today's boundaries: successor_weights of
    the successions after that review, applied again to new units that a later succession redrew (a chain), until
    each share rests on a unit no later succession touched. Units nothing redrew are left out (they count in
    themselves); a unit that gave part of itself away and continued keeps that part."""
    from .models import Unit, review_date

    day = review_date(year)
    return _chained(successor_weights(Unit.objects.filter(pk__in=list(unit_ids)), after=day), day)


def _chained(weights: dict, day: date) -> dict:
    """`weights` carried along the successions after `day` until each share rests on a unit none of them redrew."""
    from .models import Unit

    expanded = set(weights)
    for _step in range(5):  # a chain of successions, each after the last: a handful at most
        onward = {new for shares in weights.values() for new, _w in shares} - expanded
        expanded |= onward
        later = successor_weights(Unit.objects.filter(pk__in=onward), after=day) if onward else {}
        later = {new: shares for new, shares in later.items() if shares != [(new, Decimal(1))]}
        if not later:
            break
        for unit_id, shares in weights.items():
            combined = defaultdict(Decimal)
            for new, weight in shares:
                for onto, share in later.get(new, [(new, Decimal(1))]):
                    combined[onto] += weight * share
            weights[unit_id] = list(combined.items())
    return weights


def successors_today(unit) -> list[tuple]:
    """The units in force today that a ceased unit went into: [(unit, share of its households in percent, or None
    when it went there whole or the share is not its own)], largest share first. By its own rows of the succession
    table (a commune, a province), else by those of the units under it (a district: the communes its communes went
    into), else by those of the unit above it (a village of a commune that ceased), followed along later successions."""
    from datetime import timedelta

    from .models import Unit

    if unit.valid_to is None:
        return []
    day = unit.valid_to - timedelta(days=1)
    own = unit.successions.exists()
    below = not own and UnitSuccession.objects.filter(old__path__startswith=unit.path, valid_from__gt=day).exists()
    if below:
        olds = Unit.objects.filter(
            path__startswith=unit.path, successions__valid_from__gt=day, successions__village__isnull=True
        )
        found = _chained(successor_weights(olds, after=day), day).values()
        shares = {new: None for weights in found for new, weight in weights if weight}
    else:
        weights = _chained(successor_weights(Unit.objects.filter(pk=unit.pk), after=day), day).get(unit.pk, [])
        shares = {new: (None if weight == 1 else weight * 100) for new, weight in weights if weight}
    units = Unit.objects.filter(pk__in=shares, valid_to__isnull=True).order_by("path")
    return sorted(((u, shares[u.pk]) for u in units), key=lambda pair: -(pair[1] or 0))


def predecessors_of(unit) -> list[tuple]:
    """The units a unit was made from (or took part of) by the succession table: [(old unit, share of the old unit's
    households it took in percent or None when whole, the day it took effect)], in tree order."""
    rows = UnitSuccession.objects.filter(new=unit, village__isnull=True).select_related("old").order_by("old__path")
    return [(row.old, None if row.share == 100 else row.share, row.valid_from) for row in rows]


def units_mapped_into(unit, year: int) -> list[int]:
    """The ids of the units outside `unit`'s subtree whose households of that review year count in it (or in a unit
    under it) in today's boundaries: the units under the old units the succession table sends there, less those whose
    households it sends elsewhere (another village of a commune that was split by villages)."""
    from .models import Unit

    olds = UnitSuccession.objects.filter(new__path__startswith=unit.path).values_list("old__path", flat=True)
    under = Q(pk__in=[])
    for path in set(olds):
        under |= Q(path__startswith=path)
    candidates = Unit.objects.filter(under).exclude(path__startswith=unit.path).values_list("pk", flat=True)
    inside = set(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))
    weights = weights_today(list(candidates), year)
    return sorted(u for u, shares in weights.items() if any(new in inside and w for new, w in shares))


def ancestor_codes(path: str) -> list[str]:
    return path.strip("/").split("/")[:-1]


def api_tokens_in_use(user):
    """The user's API tokens that are not revoked, newest first."""
    return ApiToken.objects.filter(user=user, revoked_at=None).order_by("-created_at")
