"""Hypothesis profiles (HYPOTHESIS_PROFILE=ci|dev|thorough) and shared fixtures."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

from tests.postgres import postgres  # noqa: F401  # the PostgreSQL server fixture, for every test package

settings.register_profile("ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=20, deadline=None)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def runner() -> CliRunner:
    """A click test runner; click 8.2+ keeps ``result.stdout`` and ``result.stderr`` apart."""
    return CliRunner()
