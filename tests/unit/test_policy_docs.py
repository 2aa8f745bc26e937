"""Every shipped policy id and rule id is documented in docs/policy-language.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from specialmeasures.rules import load_policies

DOC = Path(__file__).resolve().parents[2] / "docs" / "policy-language.md"


@pytest.mark.parametrize("policy", load_policies(), ids=lambda p: p.id)
def test_policy_and_rule_ids_are_documented(policy: object) -> None:
    text = DOC.read_text(encoding="utf-8")
    assert f"`{policy.id}`" in text  # type: ignore[attr-defined]
    for rule in policy.rules:  # type: ignore[attr-defined]
        assert f"`{rule.id}`" in text
