"""Every page's own filter form, sent with every field left empty, answers 200: an empty box
means "no filter" (``web/query.py``), on every route, for every role that sees the page.

The forms are found on the pages themselves (each ``<form method="get">`` of every HTML page of
a generated country, as every role), so a new filter form is covered without listing it here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode, urlsplit

import pytest
from fastapi import FastAPI, Query
from fastapi.testclient import TestClient

from specialmeasures.access import Role
from specialmeasures.web.query import BLANK_IS_ABSENT
from web_country import World, build_world, client_for, country_html_pages


class _GetForms(HTMLParser):
    """The GET forms of a page: (action, [field names])."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, list[str]]] = []
        self._open: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form" and (found.get("method") or "get").lower() == "get":
            self._open = (found.get("action") or "", [])
        elif tag in ("input", "select", "textarea") and self._open is not None:
            name = found.get("name")
            if name and found.get("type") not in ("submit", "button"):
                self._open[1].append(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._open is not None:
            self.forms.append(self._open)
            self._open = None


def get_forms(html: str) -> list[tuple[str, list[str]]]:
    parser = _GetForms()
    parser.feed(html)
    return parser.forms


def test_the_form_reader_finds_get_forms_only() -> None:
    html = (
        '<form method="get" action="/audit"><input name="from"><select name="kind"></select>'
        '<button type="submit">Go</button></form>'
        '<form method="post" action="/x"><input name="csrf_token"></form>'
    )
    assert get_forms(html) == [("/audit", ["from", "kind"])]


def test_an_empty_value_is_the_parameter_not_given() -> None:
    app = FastAPI()

    @app.get("/")
    def echo(
        day: Annotated[date | None, Query(), BLANK_IS_ABSENT] = None,
        number: Annotated[int | None, Query(ge=1), BLANK_IS_ABSENT] = None,
        text: Annotated[str | None, Query(pattern="^a+$"), BLANK_IS_ABSENT] = None,
        items: Annotated[list[str] | None, Query(), BLANK_IS_ABSENT] = None,
    ) -> dict[str, object]:
        return {"day": day and day.isoformat(), "number": number, "text": text, "items": items}

    client = TestClient(app)
    empty = {"day": None, "number": None, "text": None, "items": None}
    assert client.get("/?day=&number=&text=&items=").json() == empty
    assert client.get("/?day=%20&items=&items=").json() == empty
    assert client.get("/?day=2020-01-31&number=2&text=aa&items=x&items=").json() == {
        "day": "2020-01-31",
        "number": 2,
        "text": "aa",
        "items": ["x"],
    }
    # A value that is given is still checked.
    for bad in ("day=2020-13-01", "number=0", "text=b"):
        assert client.get(f"/?{bad}").status_code == 422, bad


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    made = build_world(Path(tmp_path_factory.mktemp("filters")))
    try:
        yield made
    finally:
        made.platform.close()


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_every_filter_form_sent_empty_answers_200(world: World, role: Role) -> None:
    client: TestClient = client_for(world, role)
    sent: set[str] = set()
    failures = []
    for path in country_html_pages(world, {"/api/docs"}):
        page = client.get(path, follow_redirects=False)
        if page.status_code != 200 or "text/html" not in page.headers["content-type"]:
            continue
        for action, names in get_forms(page.text):
            target = urlsplit(action).path or urlsplit(path).path
            url = f"{target}?{urlencode(dict.fromkeys(names, ''))}"
            if url in sent:
                continue
            sent.add(url)
            answer = client.get(url, follow_redirects=False)
            if answer.status_code != 200:
                failures.append(f"{url} (form on {path}): {answer.status_code} {answer.text[:160]}")
    assert sent or role is Role.PUBLIC, "no filter form found"
    assert not failures, "\n".join(failures)
