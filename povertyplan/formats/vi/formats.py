# Django's Vietnamese formats leave digit grouping off; the Vietnamese way is 13.000 and 18,66.
from django.conf.locale.vi.formats import *  # noqa: F403

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
