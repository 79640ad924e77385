"""Labels for the codes of households.standards.records: what a person reads instead of `ban_kien_co`.

The codes stay the pure core's; each has an English msgid here and its Vietnamese in locale/vi.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .standards import records as r


class HouseClass(models.TextChoices):
    KIEN_CO = "kien_co", _("permanent house")
    BAN_KIEN_CO = "ban_kien_co", _("semi-permanent house")
    THIEU_KIEN_CO = "thieu_kien_co", _("less durable house")
    DON_SO = "don_so", _("makeshift house")


class WaterSource(models.TextChoices):
    PIPED = "piped", _("piped water")
    DRILLED_WELL = "drilled_well", _("drilled well")
    PROTECTED_DUG_WELL = "protected_dug_well", _("protected dug well")
    UNPROTECTED_DUG_WELL = "unprotected_dug_well", _("unprotected dug well")
    PROTECTED_SPRING = "protected_spring", _("protected spring")
    UNPROTECTED_SPRING = "unprotected_spring", _("unprotected spring")
    RAINWATER = "rainwater", _("rainwater")
    BOTTLED = "bottled", _("bottled or jar water")
    RIVER_POND = "river_pond", _("river, stream or pond")
    OTHER = "other", _("other water source")


class Latrine(models.TextChoices):
    SEPTIC = "septic", _("septic tank")
    SEMI_SEPTIC = "semi_septic", _("semi-septic tank")
    POUR_FLUSH = "pour_flush", _("pour-flush latrine")
    DOUBLE_VAULT = "double_vault", _("double-vault latrine")
    VENTILATED_PIT = "ventilated_pit", _("ventilated pit latrine")
    OPEN_PIT = "open_pit", _("simple pit latrine")
    HANGING = "hanging", _("latrine over water")
    NONE = "none", _("no latrine")


class WasteDisposal(models.TextChoices):
    COLLECTED = "collected", _("collected by a waste collection service")
    TREATED_ON_SITE = "treated_on_site", _("treated on site hygienically")
    UNTREATED = "untreated", _("neither collected nor treated hygienically")


class Education(models.TextChoices):
    NONE = "none", _("primary school not completed")
    PRIMARY = "primary", _("primary school")
    LOWER_SECONDARY = "lower_secondary", _("lower secondary school")
    UPPER_SECONDARY = "upper_secondary", _("upper secondary school")
    VOCATIONAL_ELEMENTARY = "vocational_elementary", _("elementary vocational certificate")
    VOCATIONAL_INTERMEDIATE = "vocational_intermediate", _("vocational intermediate diploma")
    VOCATIONAL_COLLEGE = "vocational_college", _("college diploma")
    UNIVERSITY = "university", _("university or higher")


class Employment(models.TextChoices):
    WAGE_CONTRACT = "wage_contract", _("wage work with a labour contract")
    WAGE_NO_CONTRACT = "wage_no_contract", _("wage work without a labour contract")
    SELF_EMPLOYED = "self_employed", _("self-employed")
    UNEMPLOYED = "unemployed", _("unemployed")
    INACTIVE = "inactive", _("not in the labour force")
    STUDENT = "student", _("in school")
    RETIRED = "retired", _("retired")
    CHILD = "child", _("child")


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


# The pure core's code lists, each with its labels (a test checks that they match one to one).
LABELLED = {
    r.HOUSE_CLASSES: HouseClass,
    r.EDUCATION_LEVELS: Education,
    r.EMPLOYMENT: Employment,
    r.WATER_SOURCES: WaterSource,
    r.LATRINES: Latrine,
    r.WASTE_DISPOSAL: WasteDisposal,
}


def _column_choices() -> dict:
    from areas.models import AreaType

    from .models import Ethnicity

    return {
        "ethnicity": Ethnicity,
        "area_type": AreaType,
        "house_class": HouseClass,
        "water_source": WaterSource,
        "latrine": Latrine,
        "waste_disposal": WasteDisposal,
        "sex": Sex,
        "education": Education,
        "employment": Employment,
    }


def column_labels(key: str, language: str = "vi") -> list[tuple[str, str]]:
    """(label, code) of a coded roster column (households/roster/columns.py) as the household form shows them in
    `language`, capitalised as a cell starts: the one list that the form, the roster templates, their drop-down
    lists and the export share. The roster import accepts these, in either language, and older spellings."""
    from django.utils import translation
    from django.utils.text import capfirst

    with translation.override(language):
        return [(capfirst(str(label)), code) for code, label in _column_choices()[key].choices]
