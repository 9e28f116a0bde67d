"""Shared fixtures: the processed tables, loaded once per test session."""
import pytest

import analysis


@pytest.fixture(scope="session")
def obs():
    return analysis.load("observations")


@pytest.fixture(scope="session")
def wf():
    return analysis.load("workforce")


@pytest.fixture(scope="session")
def fr():
    return analysis.load("force_rates")
