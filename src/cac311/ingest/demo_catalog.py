# ruff: noqa: E501 - one catalog entry per line reads better than wrapped tuples
"""Static catalog of the demo data: real Panamanian public entities, their services, the territory.

Names and acronyms are the real ones; volumes are rough guesses of how much each entity appears in
a 311 service, and `monthly_cases` marks the small entities that receive a handful of cases a
month. Which entity behaves well or badly in the demo is NOT stated here: the generator draws it
from the seed, so the demo never claims anything about a real entity's performance.

Provinces use ISO 3166-2:PA codes, weighted by population (Censo 2023, rounded) with a little
extra weight on the urban provinces that use 311 most. Districts are embedded (no file I/O).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Sector = Literal["ministerio", "entidad_autonoma", "municipio", "empresa_publica", "otro"]

CASE_TYPES: tuple[tuple[str, float], ...] = (
    ("queja", 0.30),
    ("solicitud", 0.27),
    ("consulta", 0.18),
    ("reclamo", 0.13),
    ("denuncia", 0.09),
    ("sugerencia", 0.03),
)
# Channel, share, and whether it is "digital" (used around the clock) or staffed (office hours).
CHANNELS: tuple[tuple[str, float, bool], ...] = (
    ("llamada", 0.42, False),
    ("web", 0.18, True),
    ("app", 0.12, True),
    ("redes_sociales", 0.10, True),
    ("presencial", 0.10, False),
    ("correo", 0.08, True),
)
# Relative volume by local hour 0..23: staffed channels vs digital ones (late nights included).
HOURS_STAFFED: tuple[float, ...] = (
    *(0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 1.0, 3.0, 6.0, 8.0, 8.0, 7.0),
    *(5.0, 6.0, 7.0, 6.0, 4.0, 2.0, 1.0, 0.6, 0.4, 0.3, 0.2, 0.15),
)
HOURS_DIGITAL: tuple[float, ...] = (
    *(0.8, 0.5, 0.3, 0.2, 0.2, 0.4, 1.0, 2.0, 3.5, 4.5, 4.5, 4.0),
    *(3.5, 3.5, 3.5, 3.5, 3.5, 3.5, 3.5, 3.8, 4.0, 3.5, 2.5, 1.5),
)


@dataclass(frozen=True)
class Province:
    """An ISO 3166-2:PA province or comarca with its districts as (name, relative weight)."""

    code: str
    name: str
    weight: float
    districts: tuple[tuple[str, float], ...]


def _d(capital: str, *others: str) -> tuple[tuple[str, float], ...]:
    """Districts with the capital weighted three times the others."""
    return ((capital, 3.0), *((name, 1.0) for name in others))


PROVINCES: tuple[Province, ...] = (
    Province("PA-1", "Bocas del Toro", 160, _d("Changuinola", "Bocas del Toro", "Almirante", "Chiriquí Grande")),
    Province("PA-2", "Coclé", 268, _d("Penonomé", "Aguadulce", "Antón", "La Pintada", "Natá", "Olá")),
    Province("PA-3", "Colón", 300, _d("Colón", "Chagres", "Donoso", "Portobelo", "Santa Isabel", "Omar Torrijos Herrera")),
    Province(
        "PA-4",
        "Chiriquí",
        471,
        _d("David", "Alanje", "Barú", "Boquerón", "Boquete", "Bugaba", "Dolega", "Gualaca", "Remedios", "Renacimiento", "San Félix", "San Lorenzo", "Tolé", "Tierras Altas"),
    ),
    Province("PA-5", "Darién", 56, _d("Chepigana", "Pinogana", "Santa Fe")),
    Province("PA-6", "Herrera", 118, _d("Chitré", "Las Minas", "Los Pozos", "Ocú", "Parita", "Pesé", "Santa María")),
    Province("PA-7", "Los Santos", 96, _d("Las Tablas", "Guararé", "Los Santos", "Macaracas", "Pedasí", "Pocrí", "Tonosí")),
    Province(
        "PA-8",
        "Panamá",
        1700,
        (("Panamá", 12.0), ("San Miguelito", 5.0), ("Chepo", 1.0), ("Balboa", 0.2), ("Chimán", 0.1), ("Taboga", 0.1)),
    ),
    Province(
        "PA-9",
        "Veraguas",
        260,
        _d("Santiago", "Atalaya", "Calobre", "Cañazas", "La Mesa", "Las Palmas", "Mariato", "Montijo", "Río de Jesús", "San Francisco", "Santa Fe", "Soná"),
    ),
    Province(
        "PA-10",
        "Panamá Oeste",
        750,
        (("Arraiján", 5.0), ("La Chorrera", 4.0), ("Capira", 1.0), ("Chame", 0.7), ("San Carlos", 0.7)),
    ),
    Province("PA-EM", "Emberá", 13, _d("Cémaco", "Sambú")),
    Province("PA-KY", "Guna Yala", 33, _d("Guna Yala")),
    Province("PA-NB", "Ngäbe-Buglé", 140, _d("Besiko", "Kankintú", "Kusapín", "Mironó", "Müna", "Nole Duima", "Ñürüm", "Jirondai", "Santa Catalina o Calovébora")),
    Province("PA-NT", "Naso Tjër Di", 4, _d("Naso Tjër Di")),
)  # fmt: skip


@dataclass(frozen=True)
class EntitySpec:
    """One entity: `weight` is its relative share of the national volume, unless it is a small
    entity (`monthly_cases`: expected cases a month, whatever the total). Municipalities keep their
    cases in their own `province`/`district`. Categories are (name, service SLA days or None,
    relative weight)."""

    entity_id: str
    name: str
    sector: Sector
    weight: float
    categories: tuple[tuple[str, int | None, float], ...]
    province: str | None = None
    district: str | None = None
    monthly_cases: float | None = None


MUNICIPAL_SERVICES: tuple[tuple[str, int | None, float], ...] = (
    ("Recolección de basura", 3, 4.0),
    ("Parques y áreas verdes", 15, 2.0),
    ("Permisos de construcción", 20, 1.0),
    ("Impuestos municipales", 10, 1.0),
    ("Ruido y perturbación", 5, 1.5),
    ("Uso del espacio público", 10, 1.0),
)


def _muni(
    entity_id: str, town: str, province: str, weight: float, monthly: float | None = None
) -> EntitySpec:
    return EntitySpec(
        entity_id, f"Municipio de {town}", "municipio", weight, MUNICIPAL_SERVICES,
        province=province, district=town, monthly_cases=monthly,
    )  # fmt: skip


def _e(
    entity_id: str,
    name: str,
    sector: Sector,
    weight: float,
    *categories: tuple[str, int | None, float],
    monthly: float | None = None,
) -> EntitySpec:
    return EntitySpec(entity_id, name, sector, weight, categories, monthly_cases=monthly)


MIN: Sector = "ministerio"
AUT: Sector = "entidad_autonoma"
EMP: Sector = "empresa_publica"
OTRO: Sector = "otro"

ENTITIES: tuple[EntitySpec, ...] = (
    _e("MINSA", "Ministerio de Salud", MIN, 5.0, ("Citas médicas", 15, 3), ("Abastecimiento de medicamentos", 10, 2), ("Atención en centros de salud", 15, 2), ("Fumigación y control de vectores", 10, 1.5), ("Saneamiento ambiental", 20, 1.5)),
    _e("MEDUCA", "Ministerio de Educación", MIN, 4.0, ("Infraestructura escolar", 30, 2), ("Pago a docentes", 15, 2), ("Matrícula y traslados", 10, 1.5), ("Certificados y créditos escolares", 10, 1.5), ("Alimentación escolar", 15, 1)),
    _e("MOP", "Ministerio de Obras Públicas", MIN, 7.0, ("Baches", 20, 4), ("Mantenimiento de carreteras", 30, 2), ("Cunetas y alcantarillas", 20, 2), ("Puentes y zarzos", 30, 1), ("Limpieza de vías", 15, 1)),
    _e("MIVIOT", "Ministerio de Vivienda y Ordenamiento Territorial", MIN, 3.0, ("Programa Techos de Esperanza", 30, 2), ("Fondo Solidario de Vivienda", 20, 2), ("Ordenamiento territorial", 20, 1), ("Titulación de viviendas", 30, 1)),
    _e("MITRADEL", "Ministerio de Trabajo y Desarrollo Laboral", MIN, 2.5, ("Despido injustificado", 15, 2), ("Pago de prestaciones", 15, 2), ("Inspección laboral", 10, 1), ("Permisos de trabajo", 20, 1), ("Bolsa de empleo", None, 1)),
    _e("MIDES", "Ministerio de Desarrollo Social", MIN, 3.0, ("Programa 120 a los 65", 10, 3), ("Red de Oportunidades", 10, 2), ("Programa Ángel Guardián", 10, 1), ("Atención a personas vulnerables", 15, 1)),
    _e("MEF", "Ministerio de Economía y Finanzas", MIN, 1.5, ("Pago a proveedores del Estado", 20, 2), ("Trámites de la DGI", 10, 2), ("Devolución de impuestos", 30, 1)),
    _e("MINGOB", "Ministerio de Gobierno", MIN, 1.2, ("Sistema penitenciario", 15, 2), ("Visitas a privados de libertad", 10, 1), ("Trámites en gobernaciones", 10, 1)),
    _e("MINSEG", "Ministerio de Seguridad Pública", MIN, 3.0, ("Seguridad ciudadana", 5, 3), ("Permisos de armas", 20, 1), ("Atención policial", 5, 2)),
    _e("MIDA", "Ministerio de Desarrollo Agropecuario", MIN, 1.2, ("Asistencia técnica agropecuaria", 15, 2), ("Apoyo a productores", 20, 2), ("Sanidad animal", 10, 1)),
    _e("MICI", "Ministerio de Comercio e Industrias", MIN, 1.0, ("Aviso de operación", 5, 2), ("Registro de marcas", 30, 1), ("Certificados de origen", 5, 1)),
    _e("MIAMBIENTE", "Ministerio de Ambiente", MIN, 1.5, ("Tala ilegal", 10, 2), ("Contaminación", 10, 2), ("Quema de herbazales", 5, 1), ("Estudios de impacto ambiental", 30, 1)),
    _e("MIRE", "Ministerio de Relaciones Exteriores", MIN, 0.8, ("Autenticación y apostilla", 5, 3), ("Asistencia consular", 10, 1)),
    _e("MICULTURA", "Ministerio de Cultura", MIN, 0.5, ("Eventos culturales", None, 1), ("Patrimonio histórico", 20, 1)),
    _e("MINMUJER", "Ministerio de la Mujer", MIN, 0.0, ("Orientación a mujeres víctimas de violencia", 5, 2), ("Programas de empoderamiento", 15, 1), monthly=7),
    _e("MINPRE", "Ministerio de la Presidencia", MIN, 0.8, ("Solicitudes al Despacho Superior", 20, 2), ("Asistencia social", 15, 1)),
    _e("CSS", "Caja de Seguro Social", AUT, 7.0, ("Citas médicas", 10, 4), ("Entrega de medicamentos", 5, 3), ("Pensiones y jubilaciones", 15, 2), ("Certificados de incapacidad", 10, 1), ("Cuotas obrero-patronales", 15, 1)),
    _e("IDAAN", "Instituto de Acueductos y Alcantarillados Nacionales", AUT, 10.0, ("Falta de agua", 3, 4), ("Fuga de agua", 5, 3), ("Alcantarillado sanitario", 10, 2), ("Facturación de agua", 15, 2), ("Calidad del agua", 10, 1), ("Nueva conexión", 20, 1)),
    _e("ATTT", "Autoridad del Tránsito y Transporte Terrestre", AUT, 4.0, ("Licencias de conducir", 5, 2), ("Placas y revisado vehicular", 10, 2), ("Transporte selectivo", 10, 1.5), ("Semáforos dañados", 5, 1), ("Boletas de tránsito", 15, 1)),
    _e("AIG", "Autoridad Nacional para la Innovación Gubernamental", AUT, 1.0, ("Trámites en línea", 10, 2), ("Internet para Todos", 10, 1), ("Firma electrónica", 10, 1)),
    _e("ASEP", "Autoridad Nacional de los Servicios Públicos", AUT, 4.0, ("Interrupción del servicio eléctrico", 3, 3), ("Facturación eléctrica", 15, 2), ("Telefonía e internet", 15, 1.5), ("Alumbrado público", 10, 2)),
    _e("ACODECO", "Autoridad de Protección al Consumidor y Defensa de la Competencia", AUT, 2.5, ("Queja contra comercio", 20, 3), ("Garantía de productos", 20, 1.5), ("Control de precios", 10, 1)),
    _e("AMP", "Autoridad Marítima de Panamá", AUT, 0.6, ("Títulos de marino", 15, 2), ("Registro de naves", 20, 1), ("Servicios portuarios", 15, 1)),
    _e("ANATI", "Autoridad Nacional de Administración de Tierras", AUT, 1.5, ("Titulación de tierras", 30, 3), ("Catastro y avalúos", 20, 1), ("Planos y mensuras", 20, 1)),
    _e("IFARHU", "Instituto para la Formación y Aprovechamiento de Recursos Humanos", AUT, 3.0, ("Beca Universal PASE-U", 10, 3), ("Becas y auxilios económicos", 15, 1.5), ("Préstamos educativos", 20, 1)),
    _e("INADEH", "Instituto Nacional de Formación Profesional y Capacitación para el Desarrollo Humano", AUT, 1.0, ("Inscripción en cursos", 5, 2), ("Certificados de cursos", 10, 1)),
    _e("SENACYT", "Secretaría Nacional de Ciencia, Tecnología e Innovación", AUT, 0.0, ("Becas de investigación", 20, 1), ("Convocatorias", 15, 1), monthly=5),
    _e("SENADIS", "Secretaría Nacional de Discapacidad", AUT, 0.8, ("Certificación de discapacidad", 15, 2), ("Programa Fami-Empresas", 20, 1)),
    _e("AAUD", "Autoridad de Aseo Urbano y Domiciliario", AUT, 8.0, ("Recolección de basura", 3, 5), ("Vertedero improvisado", 5, 2), ("Facturación de aseo", 15, 1), ("Barrido de calles", 5, 1)),
    _e("ATP", "Autoridad de Turismo de Panamá", AUT, 0.5, ("Servicios turísticos", 15, 1), ("Información turística", None, 1)),
    _e("AMPYME", "Autoridad de la Micro, Pequeña y Mediana Empresa", AUT, 0.0, ("Capital semilla", 20, 1), ("Registro empresarial", 10, 1), monthly=8),
    _e("APA", "Agencia Panameña de Alimentos", AUT, 0.4, ("Inspección de alimentos importados", 10, 1), ("Permisos sanitarios de importación", 15, 1)),
    _e("ANTAI", "Autoridad Nacional de Transparencia y Acceso a la Información", AUT, 0.0, ("Acceso a la información pública", 10, 2), ("Denuncia de corrupción", 30, 1), monthly=7),
    _e("SNM", "Servicio Nacional de Migración", AUT, 1.5, ("Permisos de residencia", 30, 2), ("Prórroga de estadía", 10, 1), ("Impedimentos de salida", 5, 1)),
    _e("AAC", "Autoridad de Aeronáutica Civil", AUT, 0.0, ("Licencias aeronáuticas", 20, 1), ("Uso de drones", 15, 1), monthly=6),
    _e("SENNIAF", "Secretaría Nacional de Niñez, Adolescencia y Familia", AUT, 0.6, ("Protección de menores", 3, 2), ("Adopciones", 30, 1)),
    _e("LNB", "Lotería Nacional de Beneficencia", AUT, 0.5, ("Pago de premios", 5, 1), ("Billeteros", 10, 1)),
    _e("BNP", "Banco Nacional de Panamá", AUT, 1.5, ("Préstamos", 15, 2), ("Cuentas y tarjetas", 10, 2), ("Pago a jubilados", 5, 1)),
    _e("CA", "Caja de Ahorros", AUT, 0.8, ("Préstamos hipotecarios", 20, 1), ("Cuentas de ahorro", 10, 1)),
    _e("PANDEPORTES", "Instituto Panameño de Deportes", AUT, 0.4, ("Instalaciones deportivas", 20, 1), ("Apoyo a atletas", 15, 1)),
    _e("IPHE", "Instituto Panameño de Habilitación Especial", AUT, 0.0, ("Atención educativa especial", 15, 1), ("Terapias", 10, 1), monthly=6),
    _e("ARAP", "Autoridad de los Recursos Acuáticos de Panamá", AUT, 0.0, ("Pesca ilegal", 10, 1), ("Licencias de pesca", 15, 1), monthly=4),
    _e("ISA", "Instituto de Seguro Agropecuario", AUT, 0.0, ("Reclamos de pólizas", 20, 1), ("Inspección de cultivos", 15, 1), monthly=3),
    _e("RP", "Registro Público de Panamá", AUT, 0.8, ("Inscripción de documentos", 10, 2), ("Certificaciones registrales", 5, 1)),
    _e("SINAPROC", "Sistema Nacional de Protección Civil", AUT, 1.0, ("Inundaciones", 2, 2), ("Árboles caídos", 3, 2), ("Deslizamientos", 3, 1), ("Inspección de riesgo", 10, 1)),
    _muni("MUPA", "Panamá", "PA-8", 6.0),
    _muni("MUN-SANMIGUELITO", "San Miguelito", "PA-8", 2.5),
    _muni("MUN-COLON", "Colón", "PA-3", 1.5),
    _muni("MUN-DAVID", "David", "PA-4", 1.2),
    _muni("MUN-ARRAIJAN", "Arraiján", "PA-10", 2.0),
    _muni("MUN-LACHORRERA", "La Chorrera", "PA-10", 1.8),
    _muni("MUN-SANTIAGO", "Santiago", "PA-9", 0.7),
    _muni("MUN-PENONOME", "Penonomé", "PA-2", 0.5),
    _muni("MUN-CHANGUINOLA", "Changuinola", "PA-1", 0.4),
    _muni("MUN-CHITRE", "Chitré", "PA-6", 0.0, monthly=8),
    _muni("MUN-LASTABLAS", "Las Tablas", "PA-7", 0.0, monthly=7),
    _e("ETESA", "Empresa de Transmisión Eléctrica, S.A.", EMP, 0.0, ("Servidumbres de líneas de transmisión", 30, 1), ("Datos hidrometeorológicos", 10, 1), monthly=4),
    _e("EGESA", "Empresa de Generación Eléctrica, S.A.", EMP, 0.0, ("Proyectos de generación", 30, 1), ("Consultas institucionales", None, 1), monthly=3),
    _e("TOCUMEN", "Aeropuerto Internacional de Tocumen, S.A.", EMP, 0.6, ("Servicios en la terminal", 10, 2), ("Equipaje y objetos perdidos", 5, 1), ("Estacionamientos", 10, 1)),
    _e("MPSA", "Metro de Panamá, S.A.", EMP, 1.5, ("Tarjeta y recargas", 5, 2), ("Servicio del metro", 5, 2), ("Accesibilidad en estaciones", 10, 1)),
    _e("MIBUS", "Transporte Masivo de Panamá, S.A. (MiBus)", EMP, 2.0, ("Frecuencia de buses", 5, 3), ("Tarjeta y recargas", 5, 1), ("Conducta de operadores", 10, 1), ("Paradas", 15, 1)),
    _e("ENA", "Empresa Nacional de Autopista, S.A.", EMP, 0.6, ("Panapass y cobros", 10, 2), ("Mantenimiento de corredores", 10, 1)),
    _e("TE", "Tribunal Electoral", OTRO, 1.0, ("Cédulas", 10, 2), ("Registro civil", 10, 1)),
    _e("DP", "Defensoría del Pueblo", OTRO, 0.0, ("Seguimiento de quejas", 15, 1), monthly=6),
    _e("CGR", "Contraloría General de la República", OTRO, 0.6, ("Pago de planillas y cheques", 10, 2), ("Paz y salvo", 5, 1), ("Denuncia de mal uso de fondos", 30, 1)),
)  # fmt: skip

RELEASE_TITLES: tuple[str, ...] = (
    "{entity} informa sobre {category}",
    "{entity} anuncia jornada de atención en {district}",
    "Comunicado de {entity}: {category}",
    "{entity} amplía el horario de atención al público",
    "{entity} habilita un nuevo trámite en línea",
    "Aviso de {entity} a la ciudadanía: {category}",
    "{entity} presenta avances en {category}",
)
