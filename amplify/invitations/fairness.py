"""How concentrated invitations are, over the whole eligible pool.

People never invited count as zeros: leaving them out understates concentration (see
shared/REFERENCE.md). Gini coefficient, Herfindahl-Hirschman index (sum of squared shares,
0–1), top-k share, distinct people and first-timers.
"""

from dataclasses import dataclass


@dataclass
class Fairness:
    pool: int
    invitations: int
    distinct_people: int
    first_timers: int
    top5_share: float
    gini: float
    hhi: float
    never_invited: list


def gini(counts):
    """Gini coefficient of non-negative counts (0: all equal; towards 1: one has all)."""
    values = sorted(counts)
    n, total = len(values), sum(values)
    if n == 0 or total == 0:
        return 0.0
    weighted = sum((index + 1) * value for index, value in enumerate(values))
    return (2 * weighted) / (n * total) - (n + 1) / n


def hhi(counts):
    """Herfindahl-Hirschman index: the sum of squared shares (1/n when equal, 1 for one)."""
    total = sum(counts)
    return sum((c / total) ** 2 for c in counts) if total else 0.0


def top_share(counts, k=5):
    total = sum(counts)
    return sum(sorted(counts, reverse=True)[:k]) / total if total else 0.0


def measure(pool, counts, first_timers=0):
    """``pool``: the eligible people; ``counts``: ``{person: invitations in the period}``."""
    per_person = [counts.get(person, 0) for person in pool]
    return Fairness(
        pool=len(pool), invitations=sum(per_person),
        distinct_people=sum(1 for c in per_person if c), first_timers=first_timers,
        top5_share=top_share(per_person), gini=gini(per_person), hhi=hhi(per_person),
        never_invited=[person for person in pool if not counts.get(person)],
    )
