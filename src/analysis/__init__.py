"""Police misconduct on social media in England and Wales: published figures, cleaned and comparable.

Public API: `load(name)`, `datasets()`, `profile(name)`, `forces.canonical_force`,
`outcomes.categorise_outcome`. Importing the package loads pandas only: charts and matplotlib load when a
figure is drawn.
"""
from .datasets import datasets, load


def profile(name: str, tables=None):
    """Everything known about one force (any spelling `forces.canonical_force` accepts), as an
    `analysis.force_profile.ForceProfile`: every published figure with its source, rates with intervals and
    funnel positions, outcomes, refusals, the studies with no figure for it and why, caveats, sources, and a
    plain-English summary. `tables` (force_profile.load_tables()) lets a caller profile many forces from one load."""
    from .force_profile import profile as _profile
    return _profile(name, tables)


__all__ = ["datasets", "load", "profile"]
