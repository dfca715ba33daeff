"""The hypothesis profiles of the repository's root conftest: `ci` draws the same examples at
each run, a bounded number of them; the profile is chosen by its variable, then by `CI`."""

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import hypothesis_profile


def draws(profile: settings) -> list[int]:
    """The integers one property test draws under `profile` (20 of them)."""
    seen: list[int] = []

    @settings(profile, max_examples=20)
    @given(st.integers())
    def record(number: int) -> None:
        seen.append(number)

    record()
    return seen


def test_ci_draws_the_same_bounded_examples_at_each_run() -> None:
    ci = settings.get_profile("ci")
    assert (ci.derandomize, ci.deadline, ci.database, ci.max_examples) == (True, None, None, 100)
    first = draws(ci)
    assert len(first) == 20 and len(set(first)) > 10
    assert draws(ci) == first


def test_the_profile_is_chosen_by_its_variable_then_by_ci() -> None:
    assert hypothesis_profile({}) == "dev"
    assert hypothesis_profile({"CI": "false"}) == "dev"
    assert hypothesis_profile({"CI": "true"}) == hypothesis_profile({"CI": "1"}) == "ci"
    assert hypothesis_profile({"HYPOTHESIS_PROFILE": "ci"}) == "ci"
    assert hypothesis_profile({"CI": "true", "HYPOTHESIS_PROFILE": "dev"}) == "dev"
