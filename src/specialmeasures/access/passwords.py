"""The password policy, in the manner of NIST SP 800-63B section 5.1.1.2 (memorized secrets).

One rule for every way a password is set (the CLI's ``users add``/``set-password``, the demo) and
one maximum length for setting and for signing in, so a password that could be set can always
sign in:

- at least :data:`MIN_PASSWORD_LENGTH` (12) characters, counted as Unicode code points; NIST asks
  for at least 8, we ask for 12 because passwords here guard confidential regime status;
- at most :data:`MAX_PASSWORD_LENGTH` (1,024) characters; a longer password is refused when set
  and, at sign-in, fails without being hashed (so a huge body cannot make the server hash it);
- not only whitespace, and not one character repeated;
- not the username, the service's name, or a password on the shipped list of common passwords
  (``access/data/common-passwords.txt``, from the NCSC's list of the passwords most seen in
  breaches; its header says which part), compared without regard to case;
- otherwise any characters, spaces included, with no rules about character classes and no
  expiry (NIST: composition rules and periodic changes make passwords worse, not better);
- normalised to Unicode NFKC (:func:`normalise`) before it is checked, hashed or verified
  (NIST 5.1.1.2), so the same password typed on two keyboards (a composed "é" or "e" with a
  combining accent, a full-width digit) signs in alike. ASCII passwords are unchanged by it.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib.resources import files

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "common_passwords",
    "normalise",
    "password_problem",
]

#: Fewest characters a password may have (NIST SP 800-63B: at least 8).
MIN_PASSWORD_LENGTH = 12
#: Most characters a password may have, on setting and on signing in alike (NIST: at least 64).
MAX_PASSWORD_LENGTH = 1024
#: Context-specific words (NIST: "the name of the service"), refused whatever their case.
SERVICE_WORDS = frozenset({"specialmeasures", "special measures", "special-measures"})


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-cased (comment lines left out)."""
    text = files("specialmeasures.access").joinpath("data/common-passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def normalise(password: str) -> str:
    """``password`` in Unicode normal form NFKC, the form that is checked, hashed and verified.

    >>> normalise("cafe\u0301") == normalise("caf\u00e9")
    True
    >>> normalise("\uff11\uff12\uff13")
    '123'
    """
    return unicodedata.normalize("NFKC", password)


def password_problem(password: str, *, username: str = "") -> str | None:
    """What is wrong with ``password`` as a new password, or None if it may be used.

    >>> password_problem("            ")
    'password must not be only whitespace'
    >>> password_problem("correct horse battery staple") is None
    True
    """
    password = normalise(password)
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"password must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"password must be at most {MAX_PASSWORD_LENGTH:,} characters"
    if not password.strip():
        return "password must not be only whitespace"
    if len(set(password)) == 1:
        return "password must not be one character repeated"
    folded = password.strip().casefold()
    if username and folded == username.strip().casefold():
        return "password must not be the username"
    if folded in SERVICE_WORDS:
        return "password must not be the name of this service"
    if folded in common_passwords():
        return "password is on the list of common passwords; choose another"
    return None
