"""The provider page says whether this month's return is due, to those who read the trust's
returns, and names who submitted it as the audit log does (``web.work_due``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import delete

from specialmeasures.access import Role
from specialmeasures.store.tables import monthly_returns, return_values
from web_country import TODAY, World, build_world, client_for


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    made = build_world(tmp_path_factory.mktemp("work-due"))
    # This month's return not yet sent (the generated history may hold one): a test's setup.
    month = TODAY.replace(day=1)
    with made.platform.engine.begin() as conn:
        ids = [
            r.id
            for r in conn.execute(
                monthly_returns.select().where(
                    monthly_returns.c.provider_code == made.own, monthly_returns.c.period == month
                )
            )
        ]
        conn.execute(delete(return_values).where(return_values.c.return_id.in_(ids)))
        conn.execute(delete(monthly_returns).where(monthly_returns.c.id.in_(ids)))
    yield made
    made.platform.close()


def work_due(html: str) -> str:
    start = html.find('id="work-due"')
    return html[start : html.find("</div>", start)] if start >= 0 else ""


def test_due_then_submitted_by_the_trust_user(world: World) -> None:
    period = TODAY.isoformat()[:7]
    trust = client_for(world, Role.TRUST_USER)
    due = work_due(trust.get(f"/providers/{world.own}").text)
    assert f"Monthly return for {period}" in due
    assert "Due, not yet submitted" in due
    assert f'href="/providers/{world.own}/returns#submit"' in due
    oag = work_due(client_for(world, Role.OAG_MEMBER).get(f"/providers/{world.own}").text)
    assert "Not yet submitted" in oag
    assert "#submit" not in oag  # reads the returns, does not send them

    items = trust.get(f"/providers/{world.own}/returns.json").json()["items"]
    page = trust.get(f"/providers/{world.own}/returns").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    form = {"csrf_token": token, "period": period}
    form.update({f"item:{i}": "synthetic value" for i in items})
    done = trust.post(f"/providers/{world.own}/returns", data=form, follow_redirects=False)
    assert done.status_code == 303
    named = "trust-user (Trust user)"
    assert f"Submitted by {named}" in work_due(trust.get(f"/providers/{world.own}").text)
    returns = trust.get(f"/providers/{world.own}/returns").text
    assert f"Submitted by {named}" in returns
    admin = client_for(world, Role.ADMINISTRATOR)
    rows = admin.get("/audit.json", params={"actor": "trust-user", "kind": "write"}).json()["rows"]
    assert rows[0]["who"] == named


def test_nothing_said_to_those_who_may_not_read_returns(world: World) -> None:
    for role in (Role.PUBLIC, Role.RESEARCHER):
        html = client_for(world, role).get(f"/providers/{world.own}").text
        assert 'id="work-due"' not in html
    foreign = client_for(world, Role.TRUST_USER).get(f"/providers/{world.foreign}").text
    assert 'id="work-due"' not in foreign
