"""Alkire–Foster counting measures (docs/domain/poverty-standards.md §6). Analysis only: never used to classify."""

from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Measures:
    n: int
    q: int
    headcount: float  # H
    intensity: float  # A
    m0: float  # M0 = H × A
    uncensored: dict[str, float]  # h_j
    censored: dict[str, float]  # h_j(k)
    contribution: dict[str, float]  # w_j h_j(k) / M0, per indicator
    dimension_contribution: dict[str, float]


def measures(deprivations, indicators, dimensions=None, k=None, weights=None) -> Measures:
    """`deprivations` is an iterable of sets of deprived indicator names, one per household.

    Equal weights by default; `k` is the poverty cut-off as a share of the weights (default 3 of d)."""
    weights = weights or {name: 1 / len(indicators) for name in indicators}
    k = k if k is not None else 3 / len(indicators)
    n = q = 0
    score_sum = 0.0
    uncensored, censored = defaultdict(int), defaultdict(int)
    for deprived in deprivations:
        n += 1
        score = sum(weights[name] for name in deprived)
        for name in deprived:
            uncensored[name] += 1
        if score >= k - 1e-12:
            q += 1
            score_sum += score
            for name in deprived:
                censored[name] += 1
    h = q / n if n else 0.0
    a = score_sum / q if q else 0.0
    m0 = score_sum / n if n else 0.0
    censored_h = {name: censored[name] / n if n else 0.0 for name in indicators}
    contribution = {name: (weights[name] * censored_h[name] / m0 if m0 else 0.0) for name in indicators}
    by_dimension = {
        dimension: sum(contribution[name] for name in names) for dimension, names in (dimensions or {}).items()
    }
    return Measures(
        n=n,
        q=q,
        headcount=h,
        intensity=a,
        m0=m0,
        uncensored={name: uncensored[name] / n if n else 0.0 for name in indicators},
        censored=censored_h,
        contribution=contribution,
        dimension_contribution=by_dimension,
    )


def measures_by_group(rows, indicators, dimensions=None, k=None) -> dict:
    """`rows` are (group key, deprived set). Returns {group: Measures} plus each group's share of M0."""
    groups = defaultdict(list)
    for key, deprived in rows:
        groups[key].append(deprived)
    total = sum(len(v) for v in groups.values())
    result = {key: measures(v, indicators, dimensions, k) for key, v in groups.items()}
    overall_m0 = sum(m.m0 * m.n for m in result.values()) / total if total else 0.0
    shares = {key: (m.n * m.m0 / total / overall_m0 if overall_m0 else 0.0) for key, m in result.items()}
    return {"groups": result, "contribution": shares, "m0": overall_m0}
