"""No page shows a raw value: every HTML page of the demo, as every role, read as text.

Fails on a Python repr (``['`` or ``None``), a snake_case enum value shown as text
(``must_do``, ``in_progress``) or a float with more than six decimals, in the visible text of
the page (tags, attributes, scripts and styles left out).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from specialmeasures.access import Role
from specialmeasures.interventions.demo_current import prepare_demo_work
from web_country import World, build_world, client_for, country_html_pages

REPR = re.compile(r"\['|\bNone\b(?! [a-z])")  # "None recorded." is English
SNAKE = re.compile(r"(?<![\w./-])[a-z]+(?:_[a-z0-9]+)+(?![\w./-])")
LONG_FLOAT = re.compile(r"\d\.\d{7,}")
#: An abbreviation capitalised as a word ("Smq entries", "Mou date"): a heading made by code.
ACRONYM = re.compile(r"\b(?:Mou|Smq|Cqc|Oag|Nhsi?|Rsp|Pip|Icb|Ceo|Cp|Saf|Nof|Id)\b")
#: Pages whose text is code by design: the API reference names JSON fields.
SKIP = {"/api/docs"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "code", "pre"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code", "pre") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def problems(text: str) -> list[str]:
    found = [
        m.group(0) for pattern in (REPR, SNAKE, LONG_FLOAT, ACRONYM) for m in pattern.finditer(text)
    ]
    return sorted(set(found))


def test_the_checks_bite() -> None:
    text = visible_text("<p>must_do ['governance'] None 0.12345678901 <code>in_progress</code></p>")
    assert problems(text) == ["0.12345678901", "None", "['", "must_do"]
    assert problems(visible_text("<p>Must do, 0.123, £120,000, rtt-52 a.b_c</p>")) == []
    assert problems(visible_text("<th>Mou date</th><th>Smq entries</th>")) == ["Mou", "Smq"]
    assert problems(visible_text("<th>MoU date</th><th>SMQ entries</th>")) == []


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    made = build_world(Path(tmp_path_factory.mktemp("readable")))
    prepare_demo_work(made.platform.repository)
    try:
        yield made
    finally:
        made.platform.close()


def html_pages(world: World) -> list[str]:
    return country_html_pages(world, SKIP)


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_no_page_shows_a_raw_value(world: World, role: Role) -> None:
    client = client_for(world, role)
    failures = []
    pages = html_pages(world)
    assert len(pages) > 20
    for path in pages:
        response = client.get(path, follow_redirects=False)
        if response.status_code != 200 or "text/html" not in response.headers["content-type"]:
            continue
        found = problems(visible_text(response.text))
        if found:
            failures.append(f"{path}: {found[:8]}")
    assert not failures, "\n".join(failures)


def test_intervention_forms_and_their_errors_read_as_words(world: World) -> None:
    """The forms on the interventions page (their options) and the page drawn again with the
    error summary, for the role offered every form."""
    client = client_for(world, Role.REGULATOR_DECISION_MAKER)
    session = world.app.state.gate.sessions.start(world.accounts[Role.REGULATOR_DECISION_MAKER])
    client.cookies.set("sm_session", session.token)
    page = client.get(f"/providers/{world.own}/interventions").text
    assert 'id="plan-add"' in page
    assert problems(visible_text(page)) == []
    for write in ("funding", "funding/approve", "funding/spend", "plan", "plan/update",
                  "deep-dives", "leaders", "leaders/end"):  # fmt: skip
        response = client.post(f"/providers/{world.own}/{write}",
                               data={"csrf_token": session.csrf_token})  # fmt: skip
        assert response.status_code == 400, write
        assert "nhsuk-error-summary" in response.text
        assert problems(visible_text(response.text)) == [], write
