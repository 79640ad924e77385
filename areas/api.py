"""The administrative tree under /api/v1/units/ (mounted by povertyplan/api.py). The operation id is the one the
endpoint had in povertyplan/api.py."""

from datetime import date

from ninja import Router, Schema
from ninja.pagination import paginate

from .models import Unit
from .selectors import units_for_user

router = Router()


class UnitOut(Schema):
    id: int
    code: str
    name: str
    level: str
    parent_id: int | None
    parent_code: str | None
    depth: int
    path: str
    area_type: str
    extremely_difficult: bool
    coastal_or_island: bool
    poor_district: bool
    poor_commune: bool
    ethnic_minority_area: bool
    valid_from: date | None
    valid_to: date | None
    successors: list[str]

    @staticmethod
    def resolve_parent_code(unit):
        return unit.parent.code if unit.parent else None

    @staticmethod
    def resolve_successors(unit):
        """Codes of the units its households went to (a unit that continued and gave part away is not its own)."""
        return sorted({s.new.code for s in unit.successions.all() if s.new_id != unit.pk})


@router.get(
    "/units/",
    response=list[UnitOut],
    tags=["units"],
    summary="The administrative tree the user may see",
    operation_id="povertyplan_api_list_units",
)
@paginate
def list_units(request, parent_code: str | None = None):
    units = units_for_user(request.user).select_related("parent").prefetch_related("successions__new")
    if parent_code:  # the unit in force today with that code, else the one that ceased last (codes are reused)
        parent = Unit.objects.by_code(parent_code)
        units = units.filter(parent=parent) if parent else units.none()
    return units
