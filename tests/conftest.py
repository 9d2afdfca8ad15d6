"""Hypothesis profiles: "ci" (the default: few examples, no deadline, nothing written to disk) and
"long" for fuzzing on demand: HYPOTHESIS_PROFILE=long python -m pytest tests/test_fuzz_loaders.py"""

import os

import pytest
from hypothesis import HealthCheck, settings

_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("ci", max_examples=12, deadline=None, database=None, print_blob=True,
                          suppress_health_check=_SLOW)
settings.register_profile("long", max_examples=1200, deadline=None, print_blob=True, suppress_health_check=_SLOW)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))




@pytest.fixture(scope="module")
def browser():
    """Headless Debian chromium driven by playwright, one per browser-test module (the modules skip
    themselves, with the reason, where chromium or playwright is missing)."""
    from browser_support import launch
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()
