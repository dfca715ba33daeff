import re
from pathlib import Path

from stspd.audit.models import VERB_LABELS

ROOT = Path(__file__).resolve().parents[2]


def test_every_verb_recorded_in_the_code_has_a_french_label() -> None:
    """The journal shows verbs in French: a verb without a label would show in English."""
    verbs = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        verbs |= set(re.findall(r"record\(\s*[\w.]+,\s*\"(\w+)\"", text))
    assert verbs >= {"created", "updated", "deleted", "imported", "member_removed"}
    assert verbs <= set(VERB_LABELS), verbs - set(VERB_LABELS)
