"""Database rules that speak to the user beside the field they concern, not above the form by their name."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class ConstraintsOnFields:
    """Model mixin. Each constraint of the model carries a translated `violation_error_message` and, as its
    `violation_error_code`, the name of the field it concerns (one of the constraint's own fields, so a form that
    checks the rule has that field): a broken rule's message is shown beside that field. Django puts a broken
    CheckConstraint or multi-field UniqueConstraint above the form, beside no field."""

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude)
        except ValidationError as error:
            fields = {field.name for field in self._meta.fields}
            located = {}
            for field, messages in error.error_dict.items():
                for message in messages:
                    beside = message.code if field == NON_FIELD_ERRORS and message.code in fields else field
                    located.setdefault(beside, []).append(message)
            raise ValidationError(located) from None
