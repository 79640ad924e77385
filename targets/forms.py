from django import forms
from django.utils.translation import gettext_lazy as _

from povertyplan.formfields import vietnamese_formfield

from .models import Target


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        formfield_callback = vietnamese_formfield  # "1.500" and "2,5" read the Vietnamese way outside the admin too
        fields = [
            "plan",
            "indicator",
            "scope",
            "shape",
            "direction",
            "operator",
            "value",
            "value_max",
            "value_unit",
            "baseline_value",
            "baseline_year",
            "share_indicator",
            "share_operator",
            "share_value",
            "source_sentence",
            "note",
            "order",
        ]

    def clean(self):
        data = super().clean()
        value, value_max, unit = data.get("value"), data.get("value_max"), data.get("value_unit")
        if value is not None and value_max is not None and value > value_max:
            self.add_error(
                "value_max",
                _("The maximum (%(max)s) is smaller than the minimum (%(min)s).") % {"max": value_max, "min": value},
            )
        if unit in ("percent", "points"):
            for field in ("value", "value_max"):
                if data.get(field) is not None and not 0 <= data[field] <= 100:
                    self.add_error(
                        field, _("A percentage must lie between 0 and 100; %(value)s is not.") % {"value": data[field]}
                    )
        if data.get("value") is not None and data["value"] < 0:
            self.add_error("value", _("The value cannot be negative."))
        if data.get("operator") == "between" and value_max is None:
            self.add_error("value_max", _("A range needs a maximum."))
        if data.get("operator") != "between" and value_max is not None:
            self.add_error("operator", _("Choose “between” to give a range."))
        if data.get("shape") == "change" and not data.get("direction"):
            self.add_error("direction", _("A change target needs a direction (reduce or raise)."))
        if data.get("shape") != "change" and value is None:
            self.add_error("value", _("This shape of target needs a value."))
        return data
