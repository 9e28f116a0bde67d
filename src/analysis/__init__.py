"""Police misconduct on social media in England and Wales: published figures, cleaned and comparable.

Public API: `load(name)`, `datasets()`, `forces.canonical_force`, `outcomes.categorise_outcome`.
"""
from .datasets import datasets, load

__all__ = ["datasets", "load"]
