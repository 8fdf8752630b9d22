"""Pure statistics helpers: percentiles and summaries of latency samples (milliseconds)."""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["PERCENTILES", "percentile", "ratio", "summarize"]

PERCENTILES = (50, 90, 99)


def percentile(sorted_values: Sequence[float], pct: float) -> float | None:
    """Linear-interpolated percentile of already sorted values; None when there are none."""
    if not sorted_values:
        return None
    if len(sorted_values) == 1:
        return float(sorted_values[0])
    rank = (len(sorted_values) - 1) * pct / 100.0
    low = math.floor(rank)
    high = math.ceil(rank)
    if low == high:
        return float(sorted_values[low])
    frac = rank - low
    return float(sorted_values[low] * (1 - frac) + sorted_values[high] * frac)


def summarize(values: Sequence[float]) -> dict[str, float | int | None]:
    """count, mean, p50/p90/p99, min and max of a sample."""
    ordered = sorted(values)
    out: dict[str, float | int | None] = {"count": len(ordered)}
    out["mean"] = sum(ordered) / len(ordered) if ordered else None
    out["min"] = float(ordered[0]) if ordered else None
    for pct in PERCENTILES:
        out[f"p{pct}"] = percentile(ordered, pct)
    out["max"] = float(ordered[-1]) if ordered else None
    return out


def ratio(gateway: float | None, floor: float | None) -> float | None:
    """gateway / floor, or None when either is missing or the floor is not positive."""
    if gateway is None or floor is None or floor <= 0:
        return None
    return gateway / floor
