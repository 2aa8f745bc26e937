"""Access control: roles, the permission table, accounts, sessions and login throttling.

``policy`` is pure and decides; ``accounts`` and ``sessions`` persist through the store;
``sso`` is the interface a single sign-on (OIDC) provider will implement.
"""

import importlib
from typing import TYPE_CHECKING, Any

from specialmeasures.access.policy import (
    ANONYMOUS,
    CONFIDENTIAL,
    PERMISSIONS,
    Action,
    Decision,
    Principal,
    Resource,
    Role,
    Scope,
    can,
    permission_table,
)

# What persists through the store (accounts, sessions) or hashes passwords is imported on first
# use (PEP 562): a command module that needs only the permission table (``Action``) must not
# load SQLAlchemy when it merely shows its ``--help``.
_LAZY = {
    "Account": "accounts",
    "Accounts": "accounts",
    "Admission": "throttle",
    "DemoAccount": "accounts",
    "LoginThrottle": "throttle",
    "MAX_PASSWORD_LENGTH": "passwords",
    "MIN_PASSWORD_LENGTH": "passwords",
    "SESSION_LIFETIME": "sessions",
    "Session": "sessions",
    "Sessions": "sessions",
    "create_demo_accounts": "accounts",
    "password_problem": "passwords",
}

if TYPE_CHECKING:
    from specialmeasures.access.accounts import (
        Account,
        Accounts,
        DemoAccount,
        create_demo_accounts,
    )
    from specialmeasures.access.passwords import (
        MAX_PASSWORD_LENGTH,
        MIN_PASSWORD_LENGTH,
        password_problem,
    )
    from specialmeasures.access.sessions import SESSION_LIFETIME, Session, Sessions
    from specialmeasures.access.throttle import Admission, LoginThrottle


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "ANONYMOUS",
    "CONFIDENTIAL",
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "PERMISSIONS",
    "SESSION_LIFETIME",
    "Account",
    "Accounts",
    "Action",
    "Admission",
    "Decision",
    "DemoAccount",
    "LoginThrottle",
    "Principal",
    "Resource",
    "Role",
    "Scope",
    "Session",
    "Sessions",
    "can",
    "create_demo_accounts",
    "password_problem",
    "permission_table",
]
