"""Finding 9: the overview, organisations and bulk pages read and showed every row at once.
Now they show a page at a time (`?pagina=N`) with the totals right."""

from __future__ import annotations

import re

from app.extensions import db
from app.store.models import Organisation
from app.web import queries
from tests.web.support import make_package
from tests.web.support import text


def test_the_overview_shows_one_page_with_the_right_totals(app, staff, monkeypatch):
    from app.web import dashboard

    monkeypatch.setattr(dashboard, "PACKAGES_PER_PAGE", 2)
    monkeypatch.setattr(dashboard, "LIST_MAX", 2)
    ids = [make_package(app) for _ in range(3)]
    first = text(staff.get("/"))
    assert "Nu doen <span class=\"count\">(3)</span>" in first  # the total, not the shown
    assert "De eerste 2 van 3" in first
    listed = first.split('id="gevonden"')[1]
    assert len(set(re.findall(r'href="/pakketten/(\d+)"', listed))) == 2
    assert "Pagina 1 van 2 (3 in totaal)" in first
    second = text(staff.get("/?pagina=2")).split('id="gevonden"')[1]
    assert set(re.findall(r'href="/pakketten/(\d+)"', second)) == {str(ids[0])}
    assert staff.get("/?pagina=abc").status_code == 200
    assert staff.get("/?pagina=99999999999999999999").status_code == 200


def test_organisations_are_paged(app, staff, monkeypatch):
    monkeypatch.setattr(queries, "ORGANISATIONS_PER_PAGE", 2)
    with app.app_context():
        for name in ("Aa", "Bb", "Cc"):
            db.session.add(Organisation(name=f"Stichting {name}", kind="maatschappelijke_organisatie"))
        db.session.commit()
    first, second = text(staff.get("/organisaties")), text(staff.get("/organisaties?pagina=2"))
    assert "Stichting Aa" in first and "Stichting Bb" in first and "Stichting Cc" not in first
    assert "Stichting Cc" in second and "Volgende pagina" not in second
    assert 'href="/organisaties?pagina=2"' in first
