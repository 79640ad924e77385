"""households.roster.forked: the second core of the roster import and the re-classification, also inside a
Celery worker."""

import billiard

from households.roster.forked import in_two_halves


def _doubled_in_two_halves():
    return in_two_halves(lambda x: x * 2, list(range(10)))


def test_halves_come_back_in_order():
    assert in_two_halves(lambda x: x * 2, list(range(10))) == [x * 2 for x in range(10)]
    assert in_two_halves(lambda x: x * 2, list(range(10)), fork=False) == [x * 2 for x in range(10)]


def test_work_is_split_inside_a_celery_prefork_worker_too():
    """Celery's prefork pool workers are daemon processes, from which the standard library will not fork."""
    pool = billiard.get_context("fork").Pool(1)
    try:
        assert pool.apply(_doubled_in_two_halves) == [x * 2 for x in range(10)]
    finally:
        pool.terminate()


def test_an_error_in_the_child_is_raised_in_the_parent():
    import pytest

    with pytest.raises(ZeroDivisionError):
        in_two_halves(lambda x: 1 / x, [1, 2, 0, 4])
