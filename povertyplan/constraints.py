"""Database rules that speak to the user beside the field they concern, not above the form by their name."""

import operator

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import router
from django.db.models import CheckConstraint, F, Q

_COMPARISONS = {"exact": operator.eq, "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}


class _NotPlain(Exception):
    """A condition this module does not evaluate itself: the database does."""


def _holds(condition: Q, values: dict):
    """The condition on the instance's values in SQL's three-valued logic: True, False, or None (unknown, as a
    comparison with NULL; a CHECK constraint lets it pass). Raises _NotPlain for anything but comparisons of a
    field with a constant or another field, and KeyError for a field left out of the check."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(_holds(child, values))
            continue
        lookup, value = child
        name, _, kind = lookup.partition("__")
        kind = kind or "exact"
        left = values[name]
        if kind == "isnull" or (kind == "exact" and value is None):  # Q(field=None) is IS NULL
            results.append((left is None) == (True if kind == "exact" else bool(value)))
            continue
        if isinstance(value, F):
            value = values[value.name]
        elif hasattr(value, "resolve_expression"):
            raise _NotPlain
        if kind not in _COMPARISONS:
            raise _NotPlain
        elif left is None or value is None:
            results.append(None)
        else:
            results.append(_COMPARISONS[kind](left, value))
    if condition.connector == Q.AND:
        result = False if False in results else None if None in results else True
    elif condition.connector == Q.OR:
        result = True if True in results else None if None in results else False
    else:
        raise _NotPlain
    return result if result is None or not condition.negated else not result


class ConstraintsOnFields:
    """Model mixin. Each constraint of the model carries a translated `violation_error_message` and, as its
    `violation_error_code`, the name of the field it concerns (one of the constraint's own fields, so a form that
    checks the rule has that field): a broken rule's message is shown beside that field. Django puts a broken
    CheckConstraint or multi-field UniqueConstraint above the form, beside no field.

    Check constraints that compare fields with constants or with each other are evaluated here, in Python, on
    the values already cleaned: Django asks the database once per constraint, which made them half the time of
    saving a household. Any other constraint is still checked by Django."""

    def validate_constraints(self, exclude=None):
        exclude = set(exclude or ())
        using = router.db_for_write(self.__class__, instance=self)
        values = {
            field.name: getattr(self, field.attname)
            for field in self._meta.concrete_fields
            if field.name not in exclude and not field.generated
        }
        values["pk"] = self.pk
        plain = not any(hasattr(value, "resolve_expression") for value in values.values())
        errors = {}
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    self._validate_constraint(constraint, model_class, values if plain else None, exclude, using)
                except ValidationError as error:
                    if getattr(error, "code", None) == "unique" and len(getattr(constraint, "fields", ())) == 1:
                        errors.setdefault(constraint.fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            fields = {field.name for field in self._meta.fields}
            located = {}
            for field, messages in errors.items():
                for message in messages:
                    beside = message.code if field == NON_FIELD_ERRORS and message.code in fields else field
                    located.setdefault(beside, []).append(message)
            raise ValidationError(located)

    def _validate_constraint(self, constraint, model_class, values, exclude, using):
        if values is not None and isinstance(constraint, CheckConstraint):
            try:
                holds = _holds(Q(constraint.condition), values)
            except KeyError:
                return  # a field left out of the check: Django skips the constraint too
            except (_NotPlain, TypeError):
                pass
            else:
                if holds is False:
                    raise ValidationError(
                        constraint.get_violation_error_message(), code=constraint.violation_error_code
                    )
                return
        constraint.validate(model_class, self, exclude=exclude, using=using)
