"""Smoke: Resumen renders the national KPIs on demo data."""

from __future__ import annotations

from tests.app.conftest import PageRunner


def test_resumen_shows_the_eight_national_kpis(open_page: PageRunner) -> None:
    at = open_page("app.py", role="director")
    assert not at.exception
    assert [m.label for m in at.metric][:2] == ["Recibidos", "Cerrados"]
    assert len(at.metric) == 8
    assert any(c.value.startswith("Datos al 15/11/2026") for c in at.caption)
