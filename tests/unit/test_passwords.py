"""The password policy (NIST SP 800-63B style) and its shipped list of common passwords."""

from __future__ import annotations

import pytest

from specialmeasures.access import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, password_problem
from specialmeasures.access.passwords import common_passwords


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        (" " * 12, "only whitespace"),
        ("\t \n" * 5, "only whitespace"),
        ("x" * (MIN_PASSWORD_LENGTH - 1), "at least 12"),
        ("a" * 20, "one character repeated"),
        ("y" * (MAX_PASSWORD_LENGTH + 1), "at most 1,024"),
        ("1qaz2wsx3edc", "common passwords"),
        ("QWERTY123456", "common passwords"),  # case does not matter
        ("SpecialMeasures", "name of this service"),
        ("tina.example-user", "the username"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password: str, problem: str) -> None:
    found = password_problem(password, username="tina.example-user")
    assert found is not None
    assert problem in found


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "   spaces  count too ",
        "ünïcödé pässwörd ✓",
        "z" * (MAX_PASSWORD_LENGTH - 1) + "q",
    ],
)
def test_reasonable_passwords_pass(password: str) -> None:
    assert password_problem(password, username="tina") is None


def test_the_shipped_list_is_loaded_lower_case_without_its_header() -> None:
    words = common_passwords()
    assert len(words) > 500
    assert "password123" in words
    assert all(w == w.lower() and not w.startswith("#") and len(w) >= 8 for w in words)
