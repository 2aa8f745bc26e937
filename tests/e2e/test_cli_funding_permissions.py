"""At the command line, funding and plan writes are checked against the same narrow permissions
as the web: the Improvement Director applies for their own trust (not another's) and records
plan actions, but cannot approve; the decision-maker approves. RSP funding over its
illustrative cap is refused naming the rule."""

from __future__ import annotations

from datetime import date

from click.testing import CliRunner

from access_fixtures import FAST_HASHER, OWN, add_role_accounts, load_small_register
from specialmeasures.access import Accounts, Role
from specialmeasures.bootstrap import bootstrap
from specialmeasures.cli.main import cli
from specialmeasures.domain import Regime, RegimeEpisode
from specialmeasures.interventions import funding
from specialmeasures.settings import Settings


def test_director_applies_and_records_plan_actions_the_decision_maker_approves(
    sqlite_url: str,
) -> None:
    platform = bootstrap(Settings(database_url=sqlite_url), upgrade=True)
    try:
        load_small_register(platform)
        with platform.repository.transaction() as conn:
            platform.repository.add_episode(conn, RegimeEpisode(OWN, Regime.RSP, date(2025, 4, 1)))
        accounts = add_role_accounts(Accounts(platform.repository, hasher=FAST_HASHER))
    finally:
        platform.close()
    director = accounts[Role.IMPROVEMENT_DIRECTOR].username
    maker = accounts[Role.REGULATOR_DECISION_MAKER].username
    env = {"SPECIALMEASURES_DATABASE_URL": sqlite_url}

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, list(args), env=env)
        return result.exit_code, result.output

    who = ("--role", "Improvement Director", "--rationale", "agreed with the board")
    apply = ("funding", "apply", OWN, "--stage", "rsp", "--aim", "Board development",
             "--on", "2025-11-03")  # fmt: skip
    code, out = run(*apply, "--amount", "300000", "--as", director, *who)
    assert code == 2
    assert "rsp.funding.available" in out
    assert "illustrative" in out
    code, out = run(*apply, "--amount", "200000", "--as", director, *who)
    assert code == 0, out
    application = out.split()[1].rstrip(":")
    code, out = run("funding", "apply", "ZA1", "--stage", "rsp", "--aim", "x", "--amount", "1",
                    "--as", director, *who)  # fmt: skip
    assert code == 4
    code, out = run("funding", "approve", application, "--on", "2025-11-10", "--as", director,
                    *who)  # fmt: skip
    assert code == 4
    assert "funding.approve" in out
    code, out = run("funding", "approve", application, "--on", "2025-11-10", "--as", maker,
                    "--role", "Executive Medical Director", "--rationale", "fits")  # fmt: skip
    assert code == 0, out
    # Spend names an application, not a trust: the application's trust is the one checked.
    spend = ("funding", "spend", application, "--category", "posts", "--amount", "5000",
             "--on", "2025-11-20", "--as", director, *who)  # fmt: skip
    code, out = run(*spend)
    assert code == 0, out
    foreign = _foreign_application(sqlite_url)
    code, out = run("funding", "spend", str(foreign), *spend[3:])
    assert code == 4
    assert "outside the scope" in out
    plan = ("plan", "add", OWN, "--finding-kind", "must_do", "--finding", "Incidents",
            "--action", "Weekly panel", "--domain", "governance", "--owner", "Medical director",
            "--due", "2026-03-01", "--as", director, *who)  # fmt: skip
    code, out = run(*plan, "--on", "2014-06-01")
    assert code == 2
    assert "before ZA3's first regime episode began" in out
    code, out = run(*plan, "--on", "2025-06-02")
    assert code == 0, out
    action = out.split()[1]
    code, out = run("plan", "update", action, "--status", "in_progress", "--on", "2025-07-01",
                    "--as", director, *who)  # fmt: skip
    assert code == 0, out
    code, out = run("plan", "update", action, "--status", "in_progress", "--on", "2099-07-01",
                    "--as", director, *who)  # fmt: skip
    assert code == 2
    assert "in the future" in out


def _foreign_application(url: str) -> int:
    """An application of ZA4 (the fixture's other CP trust), which the Director is not assigned."""
    platform = bootstrap(Settings(database_url=url))
    try:
        views = funding.applications(platform.repository, "ZA4")
    finally:
        platform.close()
    assert views[0].application.id is not None
    return views[0].application.id
