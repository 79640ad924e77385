from django import template

register = template.Library()


@register.filter
def person(user) -> str:
    """A user's name as Vietnamese write it (family name first), or the username."""
    from approvals.services import person_name

    return person_name(user) if user else ""
