"""The small fixed dataset behind the golden publication files (month 2026-10, calendario).

Times are Panama local (UTC−5) and go in as naive UTC through `tests.db.cases_support`, which
derives the local columns exactly as the import does. L = 30; the ranking threshold is lowered
to n ≥ 3 (`SETTINGS`) so that two entities rank with this few cases.

Hand computation (SPEC §3, E = 2026-10-31, datos_al = 2026-11-10 from the anulado case Z1):

ALC "Alcaldía de Panamá" (municipio, active)
  A1 09-10 → 10-05: dias 25 (closed in M, en plazo)    A2 09-01 → 10-15: dias 44 (fuera)
  A3 10-02 → 10-02: dias 0 (received, closed)          A4 10-10 → 10-20: dias 10
  A5 10-20 open: age on E 11                           A6 08-15 open: age on E 16+30+31 = 77 > 30
  A7 10-25 → 11-08: open at E (age 6), cohort closed in 14 days
  A8 10-03 anulado (excluded)                          A9 10-31 23:30 local (= 11-01 04:30 UTC)
  A10 11-01 00:30 local: after E, not counted
  recibidos A3 A4 A5 A7 A9 = 5; cerrados A1 A2 A3 A4 = 4; en plazo A1 A3 A4 = 3; fuera 1
  pct 3/4 = 75.0; abiertos A5 A6 A7 A9 = 4; vencidos A6 = 1; indice 3/(4+1) = 60.0
  dias sorted [0, 10, 25, 44]: mediana (10+25)/2 = 17.5; p90 at 0.9·3 = 2.7 → 25 + 0.7·19 = 38.3
  cohorte: of 5 received, A3 (0), A4 (10), A7 (14) closed ≤ 30 → 3/5 = 60.0
CSS 'Caja de Seguro Social; sede "central"' (entidad_autonoma, active)
  C1 10-01 → 10-31 22:00 local (= 11-01 03:00 UTC): dias 30, en plazo (boundary)
  C2 09-30 → 10-31: dias 31, fuera                     C3 10-05 → 10-06: dias 1
  C4 09-30 open: age on E 31 > 30, vencido             C5 10-01 open: age 30, not vencido
  recibidos C1 C3 C5 = 3; cerrados 3; en plazo C1 C3 = 2; fuera 1; pct 2/3 = 66.7
  abiertos C4 C5 = 2; vencidos 1; indice 2/(3+1) = 50.0
  dias [1, 30, 31]: mediana 30.0; p90 at 1.8 → 30 + 0.8·1 = 30.8; cohorte C1 C3 = 2/3 = 66.7
IDAAN "IDAAN, agua y alcantarillados" (entidad_autonoma, active)
  I1 10-05 → 10-07: 2; I2 10-06 → 10-09: 3 → recibidos 2, cerrados 2, en plazo 2, pct 100.0,
  abiertos 0, vencidos 0, indice 100.0, mediana 2.5, p90 2 + 0.9·1 = 2.9, cohorte 100.0
MIN "Ministerio Inactivo" (ministerio, inactive, but a case counted in M)
  M1 06-01 open: age on E 29+31+31+30+31 = 152 → abiertos 1, vencidos 1, indice 0/(0+1) = 0.0;
  pct, mediana, p90, cohorte empty (no closures, nothing received)
OLD "Entidad antigua" (otro, inactive): O1 07-01 → 07-05, nothing counted in M → no row
ZZZ '=HYPERLINK("http://x")' (otro, active, no cases): zeros and empty figures
TOTAL over every case: recibidos 5+3+2 = 10; cerrados 4+3+2 = 9; en plazo 3+2+2 = 7; fuera 2;
  pct 7/9 = 77.8; abiertos 4+2+1 = 7; vencidos 1+1+1 = 3; indice 7/(9+3) = 58.3;
  dias [0,1,2,3,10,25,30,31,44]: mediana 10.0, p90 at 0.9·8 = 7.2 → 31 + 0.2·13 = 33.6;
  cohorte 7/10 = 70.0
cohorte_madura: a case received on E is 10 days old on datos_al (< 30) → "no" on every row.
Ranking (n ≥ 3): ALC n = 5, s = 3 → Wilson 0.2307; CSS n = 4, s = 2 → 0.1500; IDAAN n = 2 and
MIN n = 1 unranked → posicion ALC 1, CSS 2.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine

from cac311.config import Settings
from tests.db.cases_support import insert_cases, insert_entities, utc

SETTINGS = Settings(ranking_min_n=3)
MONTH = "2026-10"
GENERATED_AT = datetime(2026, 11, 12, 15, 0, 0, tzinfo=UTC)  # 10:00 in Panama

ENTITIES = [
    ("ALC", "Alcaldía de Panamá", "municipio", True),
    ("CSS", 'Caja de Seguro Social; sede "central"', "entidad_autonoma", True),
    ("IDAAN", "IDAAN, agua y alcantarillados", "entidad_autonoma", True),
    ("MIN", "Ministerio Inactivo", "ministerio", False),
    ("OLD", "Entidad antigua", "otro", False),
    ("ZZZ", '=HYPERLINK("http://x")', "otro", True),
]

# (case_id, entity_id, created local, closed local or None, status or None)
CASES: list[tuple[str, str, str, str | None, str | None]] = [
    ("A1", "ALC", "2026-09-10 10:00", "2026-10-05 09:00", None),
    ("A2", "ALC", "2026-09-01 08:00", "2026-10-15 16:00", None),
    ("A3", "ALC", "2026-10-02 08:00", "2026-10-02 17:00", None),
    ("A4", "ALC", "2026-10-10 11:00", "2026-10-20 11:00", None),
    ("A5", "ALC", "2026-10-20 09:00", None, None),
    ("A6", "ALC", "2026-08-15 09:00", None, None),
    ("A7", "ALC", "2026-10-25 09:00", "2026-11-08 10:00", None),
    ("A8", "ALC", "2026-10-03 09:00", None, "anulado"),
    ("A9", "ALC", "2026-10-31 23:30", None, None),
    ("A10", "ALC", "2026-11-01 00:30", None, None),
    ("C1", "CSS", "2026-10-01 09:00", "2026-10-31 22:00", None),
    ("C2", "CSS", "2026-09-30 09:00", "2026-10-31 09:00", None),
    ("C3", "CSS", "2026-10-05 09:00", "2026-10-06 09:00", None),
    ("C4", "CSS", "2026-09-30 12:00", None, None),
    ("C5", "CSS", "2026-10-01 12:00", None, None),
    ("I1", "IDAAN", "2026-10-05 08:00", "2026-10-07 08:00", None),
    ("I2", "IDAAN", "2026-10-06 08:00", "2026-10-09 08:00", None),
    ("M1", "MIN", "2026-06-01 08:00", None, None),
    ("O1", "OLD", "2026-07-01 08:00", "2026-07-05 08:00", None),
    ("Z1", "ALC", "2026-11-09 08:00", "2026-11-10 08:00", "anulado"),
]


def case_dicts() -> list[dict[str, Any]]:
    return [
        {
            "case_id": case_id,
            "entity_id": entity_id,
            "created_at": utc(created),
            "closed_at": utc(closed) if closed else None,
            "status": status,
        }
        for case_id, entity_id, created, closed, status in CASES
    ]


def load_dataset(engine: Engine) -> Engine:
    insert_entities(engine, ENTITIES)
    insert_cases(engine, case_dicts())
    return engine
