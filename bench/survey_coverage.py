"""Coverage of the raked 95 % interval of the share feeling insecure, over 1,000 surveys.

Population: :func:`crimestats.survey.simulation.generate_population` (60,000 residents aged 15
and over, age band x sex x neighbourhood, 21.8 % feeling insecure; the model is documented in
that module). Each survey invites 6,000 residents at random; about 20 % answer, with a
probability that depends on age and sex (about 1,190 answers). The answers are raked to the age,
sex and neighbourhood margins; the Korn-Graubard 95 % interval is computed with the linearised
variance. Target: the interval holds the true share in at least 94 % of the 1,000 surveys.

Usage: ``uv run python bench/survey_coverage.py``; appends to bench/RESULTS.md.
"""

from __future__ import annotations

import datetime as dt
import math
import platform
import time
from pathlib import Path

from crimestats.survey.simulation import coverage, generate_population

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SAMPLES = 1_000
INVITED = 6_000
TARGET = 0.94


def main() -> None:
    population = generate_population()
    started = time.perf_counter()
    result = coverage(population, SAMPLES, INVITED, seed=1)
    elapsed = time.perf_counter() - started
    met = result.rate >= TARGET
    lines = [
        "",
        f"## Survey weighting: coverage of the raked interval — {dt.date.today().isoformat()}",
        "",
        "- command: `python bench/survey_coverage.py` (seed 1; population seed 19)",
        f"- machine: {platform.machine()}, Python {platform.python_version()}; {elapsed:.1f} s",
        f"- population: {population.age.size:,} residents, true share feeling insecure "
        f"{result.true_share:.4f}",
        f"- surveys: {SAMPLES:,}, {INVITED:,} invitations each, {result.mean_answers:,.0f} "
        "answers on average (non-response by age and sex), raked to age, sex and neighbourhood",
        f"- raked estimate: mean {result.mean_estimate:.4f} (bias "
        f"{result.mean_estimate - result.true_share:+.4f}, simulation SE "
        f"{result.sd_estimate / math.sqrt(SAMPLES):.4f}), standard deviation "
        f"{result.sd_estimate:.4f}; unweighted share of the answers: bias "
        f"{result.unweighted_bias:+.4f}",
        f"- Korn-Graubard 95 % interval: mean width {result.mean_width:.4f}; covers the true "
        f"share in {result.covered:,} of {SAMPLES:,} surveys ({result.rate:.1%}, simulation SE "
        f"{result.simulation_se:.1%}); target >= {TARGET:.0%}: {'met' if met else 'NOT met'}",
    ]
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    if not met:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
