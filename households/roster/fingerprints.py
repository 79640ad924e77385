"""A household's roster cells → a fingerprint: an import skips a household whose cells (and unit) are those it
was last written from (households.roster.service), without classifying it again."""

import hashlib
import marshal


def cells_fingerprint(unit, survey_year: int, values: dict, member_cells) -> str:
    """What the household's cells say, with the unit they name: equal fingerprints, equal records. `member_cells`:
    (member sheet, row, cells) of each member."""
    cells = (unit["id"], unit["area_type"], survey_year, values, [c for _sheet, _n, c in member_cells])
    try:
        text = marshal.dumps(cells, 0)  # version 0: values only, no references, so equal cells, equal bytes
    except ValueError:  # a date of birth
        text = repr(cells).encode()
    return hashlib.blake2b(text, digest_size=16).hexdigest()
