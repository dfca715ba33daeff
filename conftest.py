"""Hypothesis profiles, for every test of the repository (stspd and crimestats alike).

Loaded here, before any test module is imported, because a test's `@settings(...)` takes the
profile loaded at import time as its parent: a profile loaded later would not reach it.

- `dev` (the local default): hypothesis' defaults, a new random draw at each run, failures
  remembered in `.hypothesis/` and replayed first: the fuzz tests keep exploring.
- `ci`: the same examples at each run (derandomized: seeded from each test's own source), a
  bounded number of them, no deadline (shared CI machines are slow at random), no example
  database. Chosen with `HYPOTHESIS_PROFILE=ci`, or `CI=true` as CI services set it.

The fuzz tests (`*fuzz*.py`) set their own `max_examples`: the count stays theirs in both
profiles, the draws are fixed in `ci`.
"""

import os
from collections.abc import Mapping

from hypothesis import HealthCheck, settings

settings.register_profile("dev", settings.get_profile("default"))
settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=100,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)


def hypothesis_profile(environ: Mapping[str, str]) -> str:
    """`HYPOTHESIS_PROFILE` if set, else `ci` when `CI` is true, else `dev`."""
    if chosen := environ.get("HYPOTHESIS_PROFILE"):
        return chosen
    return "ci" if environ.get("CI", "").strip().lower() in ("true", "1") else "dev"


settings.load_profile(hypothesis_profile(os.environ))
