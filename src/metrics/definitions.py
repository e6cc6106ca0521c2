"""The definitions behind every figure (SPEC §3), in Spanish, for tooltips and file metadata.

`docs/metrics.md` states the same definitions at length; a test fails when a code here or a
published column has no entry there. The export writes DEFINITIONS_VERSION as
`version_definiciones`; bump it whenever a definition changes meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Direction = Literal["higher", "lower"]

DEFINITIONS_VERSION = "2026.12-1"

TOTAL_ID = "TOTAL"  # entidad_id of the national row
TOTAL_NAME = "Total nacional"  # its entidad
MISSING_VALUE = "(sin dato)"  # how a group without a value (no province, ...) is named


@dataclass(frozen=True)
class MetricDefinition:
    code: str  # column name in the CSVs and frames
    etiqueta: str  # short Spanish label
    definicion: str  # one Spanish sentence (tooltip, datapackage description)
    unidad: str  # "casos", "%", "días", "horas", "posición", "texto", "fecha", ...
    # Which way is good news: "higher" (more in time), "lower" (fewer overdue), None (neutral,
    # e.g. cases received). Colours the MoM/YoY changes.
    direction: Direction | None = None

    @property
    def is_rate(self) -> bool:
        """A percentage or a day figure: computed over the cases, never a sum of groups."""
        return self.unidad in ("%", "días", "horas")


_L = "el plazo legal (30 días por defecto)"

_ENTRIES: tuple[MetricDefinition, ...] = (
    # --- publication table (SPEC §5 columns, in order) ---
    MetricDefinition(
        "periodo",
        "Periodo",
        "Mes calendario M (hora local de Panamá), en formato AAAA-MM.",
        "texto",
    ),
    MetricDefinition(
        "entidad_id",
        "Código de entidad",
        "Código corto de la entidad responsable; TOTAL en la fila nacional.",
        "texto",
    ),
    MetricDefinition(
        "entidad",
        "Entidad",
        "Nombre de la entidad responsable; «Total nacional» en la fila nacional.",
        "texto",
    ),
    MetricDefinition(
        "sector",
        "Sector",
        "Sector de la entidad (ministerio, entidad_autonoma, municipio, empresa_publica, otro); "
        "vacío en la fila nacional.",
        "texto",
    ),
    MetricDefinition(
        "recibidos", "Recibidos", "Casos creados en el mes (fecha local de creación en M).", "casos"
    ),
    MetricDefinition(
        "cerrados", "Cerrados", "Casos cerrados en el mes (fecha local de cierre en M).", "casos"
    ),
    MetricDefinition(
        "cerrados_en_plazo",
        "Cerrados en plazo",
        f"Casos cerrados en el mes cuyos días de atención no superan {_L}.",
        "casos",
        direction="higher",
    ),
    MetricDefinition(
        "cerrados_fuera_de_plazo",
        "Cerrados fuera de plazo",
        "Cerrados en el mes menos cerrados en plazo.",
        "casos",
        direction="lower",
    ),
    MetricDefinition(
        "pct_cerrados_en_plazo",
        "% cerrados en plazo",
        "100 × cerrados en plazo / cerrados; vacío cuando no hubo cierres.",
        "%",
        direction="higher",
    ),
    MetricDefinition(
        "abiertos_fin_mes",
        "Abiertos al cierre del mes",
        "Casos creados hasta el último día del mes y sin cerrar ese día.",
        "casos",
        direction="lower",
    ),
    MetricDefinition(
        "vencidos_fin_mes",
        "Vencidos al cierre del mes",
        f"Casos abiertos al último día del mes cuya edad ese día supera {_L}.",
        "casos",
        direction="lower",
    ),
    MetricDefinition(
        "indice_cumplimiento",
        "Índice de cumplimiento",
        "100 × cerrados en plazo / (cerrados + vencidos al cierre del mes); los casos abiertos "
        "vencidos cuentan como incumplimientos. Vacío cuando el denominador es 0.",
        "%",
        direction="higher",
    ),
    MetricDefinition(
        "mediana_dias",
        "Mediana de días",
        "Mediana de los días de atención de los casos cerrados en el mes (interpolación lineal).",
        "días",
        direction="lower",
    ),
    MetricDefinition(
        "p90_dias",
        "Percentil 90 de días",
        "Percentil 90 de los días de atención de los casos cerrados en el mes "
        "(interpolación lineal).",
        "días",
        direction="lower",
    ),
    MetricDefinition(
        "cohorte_en_plazo_pct",
        "Cohorte en plazo",
        f"De los casos recibidos en el mes, porcentaje ya cerrado sin superar {_L}, según "
        "los datos a la fecha de corte.",
        "%",
        direction="higher",
    ),
    MetricDefinition(
        "cohorte_madura",
        "Cohorte madura",
        "«si» cuando un caso recibido el último día del mes ya tendría L días a la fecha de "
        "corte (toda la cohorte tuvo su plazo completo); si no, «no».",
        "si/no",
    ),
    MetricDefinition(
        "posicion",
        "Posición",
        "Lugar en el ranking por puntaje de Wilson entre las entidades con n ≥ 20; vacío si la "
        "entidad no clasifica.",
        "posición",
    ),
    # --- ranking ---
    MetricDefinition(
        "n",
        "Casos evaluados (n)",
        "Cerrados en el mes + vencidos al cierre del mes: los casos sobre los que se juzga a la "
        "entidad.",
        "casos",
    ),
    MetricDefinition(
        "score",
        "Puntaje de Wilson",
        "Límite inferior del intervalo de Wilson al 95 % de la proporción cerrados en plazo / n; "
        "premia resultados sostenidos por suficientes casos.",
        "proporción 0–1",
    ),
    MetricDefinition(
        "clasificada",
        "Clasifica",
        "Verdadero cuando la entidad tiene n ≥ 20 (configurable) y entra al ranking.",
        "sí/no",
    ),
    MetricDefinition(
        "posicion_anterior",
        "Posición anterior",
        "Posición de la entidad en el ranking del mes anterior.",
        "posición",
    ),
    MetricDefinition(
        "cambio_posicion",
        "Cambio de posición",
        "Posición anterior − posición actual (positivo: subió); vacío si no clasificó en "
        "alguno de los dos meses.",
        "posiciones",
    ),
    MetricDefinition(
        "limite_inferior",
        "Límite inferior del embudo",
        "Límite inferior al 95 % alrededor de la tasa nacional para una entidad con n casos.",
        "%",
    ),
    MetricDefinition(
        "limite_superior",
        "Límite superior del embudo",
        "Límite superior al 95 % alrededor de la tasa nacional para una entidad con n casos.",
        "%",
    ),
    # --- day counts and cutoff ---
    MetricDefinition(
        "dias",
        "Días de atención",
        "Días entre la fecha local de creación y la de cierre, en días calendario o hábiles "
        "(lunes a viernes sin feriados de Panamá ni días libres decretados).",
        "días",
    ),
    MetricDefinition(
        "edad_dias",
        "Edad",
        "Días de un caso abierto desde su creación hasta la fecha de referencia, con la misma "
        "regla que los días de atención.",
        "días",
    ),
    MetricDefinition(
        "datos_al",
        "Datos al",
        "Fecha de corte: la fecha local más reciente de creación o cierre de cualquier caso "
        "(incluidos los anulados).",
        "fecha",
    ),
    MetricDefinition(
        "parcial",
        "Mes parcial",
        "Verdadero cuando el mes contiene la fecha de corte: sus cifras aún pueden cambiar.",
        "sí/no",
    ),
    # --- aging, por vencer ---
    MetricDefinition(
        "tramo",
        "Tramo de antigüedad",
        "Grupo de edad de los casos abiertos: 0–10, 11–20, 21–30, 31–60, 61–90, >90 días; los "
        "tramos sobre 30 son exactamente los vencidos.",
        "texto",
    ),
    MetricDefinition(
        "casos", "Casos", "Número de casos del grupo (tramo, días, categoría).", "casos"
    ),
    MetricDefinition(
        "por_vencer",
        "Por vencer",
        "Casos abiertos con edad entre 25 y 30 días en el modo activo: los primeros que un "
        "enlace debe atender.",
        "casos",
    ),
    # --- service SLA clock ---
    MetricDefinition(
        "cerrados_con_sla",
        "Cerrados con SLA",
        "Casos cerrados en el mes que tienen un SLA de servicio (sla_days).",
        "casos",
    ),
    MetricDefinition(
        "dentro_sla",
        "Dentro del SLA",
        "Casos cerrados con SLA cuyos días de atención no superan su SLA de servicio.",
        "casos",
    ),
    MetricDefinition(
        "pct_dentro_sla",
        "% dentro del SLA",
        "100 × dentro del SLA / cerrados con SLA; reloj de servicio, separado del plazo legal.",
        "%",
    ),
    # --- directory freshness ---
    MetricDefinition(
        "ultima_revision",
        "Última revisión",
        "Fecha local de la última revisión del ítem (directorio, SLA o base de conocimiento): "
        "importada, o enviada en el tablero y validada por el Asesor de Calidad.",
        "fecha",
    ),
    MetricDefinition(
        "estado",
        "Estado de actualización",
        "al_dia ≤ 90 días desde la última revisión, por_vencer 91–180, vencido > 180, "
        "sin_registro si nunca se revisó.",
        "texto",
    ),
    MetricDefinition(
        "estado_general",
        "Estado general",
        "El peor estado entre directorio, SLA y base de conocimiento de la entidad.",
        "texto",
    ),
    # --- press releases ---
    MetricDefinition(
        "comunicados",
        "Comunicados",
        "Comunicados de prensa recibidos por el 311 en el mes: importados, o enviados en el "
        "tablero y validados por el Asesor de Calidad.",
        "comunicados",
    ),
    MetricDefinition(
        "con_anticipacion",
        "Con anticipación",
        "Comunicados que el 311 recibió antes de su publicación en medios.",
        "comunicados",
    ),
    MetricDefinition(
        "pct_con_anticipacion",
        "% con anticipación",
        "100 × comunicados con anticipación / comunicados.",
        "%",
    ),
    MetricDefinition(
        "mediana_anticipacion_horas",
        "Mediana de anticipación",
        "Mediana de (publicación en medios − recepción en el 311), en horas.",
        "horas",
    ),
    # --- month-over-month / year-over-year ---
    MetricDefinition(
        "delta_mes",
        "Cambio mensual",
        "Valor del mes − valor del mes anterior; vacío si el mes anterior no tiene datos.",
        "unidad del indicador",
    ),
    MetricDefinition(
        "delta_mes_pct",
        "Cambio mensual %",
        "100 × cambio mensual / valor del mes anterior; vacío si ese valor es 0.",
        "%",
    ),
    MetricDefinition(
        "delta_anio",
        "Cambio interanual",
        "Valor del mes − valor del mismo mes del año anterior.",
        "unidad del indicador",
    ),
    MetricDefinition(
        "delta_anio_pct",
        "Cambio interanual %",
        "100 × cambio interanual / valor del mismo mes del año anterior; vacío si es 0.",
        "%",
    ),
    # --- the circular's obligations done in the dashboard (metrics.obligations, issue 14) ---
    MetricDefinition(
        "origen",
        "Origen de la revisión",
        "«tablero» si la última revisión que cuenta la frescura fue enviada en el tablero y "
        "validada por el Asesor de Calidad; «importado» si vino de un archivo importado.",
        "texto",
    ),
    MetricDefinition(
        "revisiones_pendientes",
        "Revisiones pendientes de validación",
        "Revisiones enviadas por el enlace que el Asesor de Calidad aún no valida ni devuelve; "
        "se muestran pero no cambian la frescura hasta validarse.",
        "revisiones",
    ),
    MetricDefinition(
        "pendiente_desde",
        "Pendiente desde",
        "Hora local en que el tablero recibió la revisión pendiente más antigua.",
        "fecha y hora",
    ),
    MetricDefinition(
        "dias_pendiente",
        "Días pendiente",
        "Días calendario desde la recepción de la revisión pendiente más antigua hasta hoy "
        "(0 = recibida hoy).",
        "días",
    ),
    MetricDefinition(
        "revisiones_devueltas",
        "Revisiones devueltas",
        "Revisiones devueltas por el Asesor de Calidad que el enlace aún no corrigió ni "
        "reemplazó con otro envío del mismo ítem.",
        "revisiones",
    ),
    MetricDefinition(
        "comunicados_pendientes",
        "Comunicados pendientes de validación",
        "Comunicados enviados en el tablero y recibidos en el mes que el Asesor de Calidad aún "
        "no valida ni devuelve; no cuentan en la anticipación hasta validarse.",
        "comunicados",
    ),
    MetricDefinition(
        "comunicados_devueltos",
        "Comunicados devueltos",
        "Comunicados recibidos en el mes y devueltos por el Asesor de Calidad que el enlace aún "
        "no reenvió.",
        "comunicados",
    ),
    MetricDefinition(
        "antiguedad_dias",
        "Antigüedad (días)",
        "Días calendario desde la recepción del envío en el tablero hasta hoy (0 = hoy).",
        "días",
    ),
    MetricDefinition(
        "anticipacion_horas",
        "Anticipación (horas)",
        "Hora prevista de publicación en medios − hora de recepción en el tablero, en horas; "
        "negativa si llegó después de los medios.",
        "horas",
    ),
    # --- data quality ---
    MetricDefinition(
        "mismo_minuto",
        "Cerrados en el mismo minuto",
        "Casos cerrados en el mes cuyo cierre cae en el mismo minuto de su creación.",
        "casos",
    ),
    # --- publication calendar (docs/metrics.md §12) ---
    MetricDefinition(
        "fecha_limite",
        "Fecha límite de publicación",
        "El N-ésimo día hábil después del último día del mes (N = 7 por defecto), sin contar "
        "fines de semana, feriados de Panamá ni días libres decretados.",
        "fecha",
    ),
    MetricDefinition(
        "publicado_el",
        "Publicado el",
        "Fecha local en que se publicó el paquete final del mes: la primera exportación o "
        "descarga del paquete no parcial, o la fecha que marcó un administrador con su motivo.",
        "fecha",
    ),
    MetricDefinition(
        "estado_publicacion",
        "Estado de la publicación",
        "a tiempo (publicado hasta la fecha límite), tarde (después; con los días hábiles de "
        "retraso), pendiente (sin publicar y la fecha límite no ha pasado) o vencida (sin "
        "publicar y la fecha límite ya pasó).",
        "texto",
    ),
    MetricDefinition(
        "dias_habiles_tarde",
        "Días hábiles de retraso",
        "Días hábiles desde la fecha límite hasta la publicación; una publicación en día no "
        "hábil cuenta desde el siguiente día hábil.",
        "días",
    ),
    MetricDefinition(
        "pct_a_tiempo",
        "Publicados a tiempo",
        "100 × meses publicados a tiempo / meses ya publicados o vencidos; los pendientes no "
        "cuentan.",
        "%",
    ),
    # --- transfers (docs/metrics.md §15) ---
    MetricDefinition(
        "traslados_salida",
        "Traslados de salida",
        "Traslados hechos en el mes cuyo origen es la entidad.",
        "traslados",
    ),
    MetricDefinition(
        "traslados_entrada",
        "Traslados de entrada",
        "Traslados hechos en el mes cuyo destino es la entidad.",
        "traslados",
    ),
    MetricDefinition(
        "casos_recibidos_traslado",
        "Casos recibidos por traslado",
        "Casos distintos que la entidad recibió por traslado en el mes.",
        "casos",
    ),
    MetricDefinition(
        "mediana_dias_en_poder",
        "Mediana de días en poder",
        "Mediana de los días que la entidad tuvo cada caso antes de trasladarlo, desde su "
        "creación o desde el traslado anterior.",
        "días",
    ),
    MetricDefinition(
        "vencidos_recibidos_traslado",
        "Vencidos tras recibirlos por traslado",
        f"Casos que superaron {_L} en el mes mientras la entidad los tenía después de "
        "recibirlos por traslado (el reloj cuenta desde la creación).",
        "casos",
        direction="lower",
    ),
    MetricDefinition(
        "vencidos_heredados",
        "Vencidos heredados",
        "Casos que vencieron en el mes en poder de la entidad que los recibió por traslado con "
        "menos de K días restantes (5 por defecto); se muestran aparte.",
        "casos",
    ),
    MetricDefinition(
        "pct_mismo_minuto",
        "% cerrados en el mismo minuto",
        "100 × cerrados en el mismo minuto / cerrados.",
        "%",
    ),
    # --- early warning (docs/metrics.md §16) ---
    MetricDefinition(
        "alerta_deterioro",
        "Alerta de deterioro",
        "Verdadero cuando la entidad está en deterioro en el mes: su índice cayó bajo el límite "
        "inferior de 3σ de sus 12 meses anteriores con n ≥ 20, o 2 de 3 meses bajo el de 2σ, y "
        "aún no tuvo 2 meses bajo control.",
        "texto",
    ),
    MetricDefinition(
        "estado_alerta",
        "Estado de la alerta",
        "en_deterioro, en_control o sin_evaluar (mes no cerrado en datos_al, n < 20 o menos de "
        "12 meses con n ≥ 20 en los 24 anteriores).",
        "texto",
    ),
    MetricDefinition(
        "linea_base_pct",
        "Línea base",
        "100 × Σ cerrados en plazo / Σ n de los 12 meses de referencia de la entidad.",
        "%",
    ),
    MetricDefinition(
        "lic_2s_pct",
        "Límite inferior 2σ",
        "Línea base − 2·f·σ del mes, en %; σ = √(p̄(1−p̄)/n) con el n del mes y f el factor de "
        "Laney cuando hay sobredispersión (si no, 1).",
        "%",
    ),
    MetricDefinition(
        "lic_3s_pct",
        "Límite inferior 3σ",
        "Línea base − 3·f·σ del mes, en %.",
        "%",
    ),
    MetricDefinition(
        "lsc_3s_pct",
        "Límite superior 3σ",
        "Línea base + 3·f·σ del mes, en % (solo referencia: no genera alertas).",
        "%",
    ),
    MetricDefinition(
        "ultima_senal",
        "Última señal",
        "Mes de la última señal (mes bajo 3σ o segundo de 3 bajo 2σ) que encendió o renovó la "
        "alerta.",
        "texto",
    ),
    # --- time to close including open cases: Kaplan–Meier (docs/metrics.md §17) ---
    MetricDefinition(
        "km_casos",
        "Casos de la cohorte (KM)",
        "Casos recibidos en los 3 meses que terminan en el mes elegido (sin anulados), abiertos "
        "o cerrados: la cohorte de la estimación Kaplan–Meier.",
        "casos",
    ),
    MetricDefinition(
        "km_cerrados",
        "Cerrados de la cohorte (KM)",
        "Casos de la cohorte ya cerrados a la fecha de corte (eventos de la curva).",
        "casos",
    ),
    MetricDefinition(
        "km_abiertos",
        "Abiertos de la cohorte (KM)",
        "Casos de la cohorte aún abiertos a la fecha de corte: cuentan con su edad a esa fecha "
        "(censurados), no se descartan.",
        "casos",
    ),
    MetricDefinition(
        "km_max_dias",
        "Mayor tiempo observado (KM)",
        "El mayor tiempo observado en la cohorte: días hasta el cierre o edad a la fecha de "
        "corte de un caso abierto. Si la mediana no se alcanza, es mayor que este número.",
        "días",
    ),
    MetricDefinition(
        "km_mediana_estado",
        "Estado de la mediana estimada",
        "«estimada»; «no_alcanzada» cuando menos de la mitad de la cohorte se estima cerrada "
        "(la mediana supera el mayor tiempo observado); «insuficiente» con menos de 20 casos.",
        "texto",
    ),
    MetricDefinition(
        "km_mediana_dias",
        "Mediana estimada (incluye abiertos)",
        "Días en que la estimación Kaplan–Meier llega a la mitad de la cohorte cerrada, contando "
        "los casos abiertos con su edad a la fecha de corte; vacía si no se alcanza o con menos "
        "de 20 casos.",
        "días",
        direction="lower",
    ),
    MetricDefinition(
        "km_pct_cerrados_en_plazo",
        "Cerrados en plazo estimado (incluye abiertos)",
        f"Porcentaje estimado (Kaplan–Meier) de la cohorte cerrado sin superar {_L}, contando "
        "los casos abiertos con su edad a la fecha de corte; vacío con menos de 20 casos.",
        "%",
        direction="higher",
    ),
)

METRIC_DEFINITIONS: dict[str, MetricDefinition] = {entry.code: entry for entry in _ENTRIES}

# Sets the pages use, derived from the entries' attributes (never listed by hand).
LOWER_IS_BETTER: frozenset[str] = frozenset(e.code for e in _ENTRIES if e.direction == "lower")
PERCENT_METRICS: frozenset[str] = frozenset(e.code for e in _ENTRIES if e.unidad == "%")
DAY_METRICS: frozenset[str] = frozenset(e.code for e in _ENTRIES if e.unidad == "días")
RATE_METRICS: frozenset[str] = frozenset(e.code for e in _ENTRIES if e.is_rate)
