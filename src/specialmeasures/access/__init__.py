"""Access control: roles, the permission table, accounts, sessions and login throttling.

``policy`` is pure and decides; ``accounts`` and ``sessions`` persist through the store;
``sso`` is the interface a single sign-on (OIDC) provider will implement.
"""

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
from specialmeasures.access.sessions import SESSION_LIFETIME, Session, Sessions
from specialmeasures.access.throttle import Admission, LoginThrottle

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
