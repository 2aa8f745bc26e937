"""Fixtures of the golden (reference-parity) tests.

The reference outputs live beside the repository, in ``../shared/reference`` (see its README
for provenance). A missing folder is a failure, not a skip: parity is part of the contract.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
REFERENCE_DIR = REPO_ROOT.parent / "shared" / "reference"


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """The folder of reference fixtures; fails the test when it is absent."""
    if not REFERENCE_DIR.is_dir():
        pytest.fail(f"reference fixtures not found at {REFERENCE_DIR}")
    return REFERENCE_DIR
