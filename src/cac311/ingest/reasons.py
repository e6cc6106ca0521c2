"""Quarantine reasons and import warnings: stable short codes and their Spanish text.

Reasons (`quarantine.reason`) reject a row; warnings (`import_warnings.code`) say how a
descriptive value of an accepted case was stored differently from how the file wrote it. The
codes never change once released (the Calidad de datos page and the downloaded files key on
them); the text may be improved. Codes no longer produced stay listed, so older batches keep
their text.
"""

from __future__ import annotations

REASONS: dict[str, str] = {
    "columnas_incorrectas": "la fila no tiene el mismo número de columnas que el encabezado",
    "caracter_invalido": "texto con un carácter nulo (0x00), que la base de datos no admite",
    "id_faltante": "falta el identificador",
    "id_duplicado": "identificador repetido en el archivo (vale la primera fila)",
    "valor_faltante": "falta un valor obligatorio",
    "valor_demasiado_largo": "texto más largo de lo permitido",
    "fecha_ilegible": "fecha u hora que no se puede interpretar",
    "fecha_fuera_de_rango": "fecha fuera del rango soportado (2000-2045)",
    "entidad_desconocida": "entidad no registrada",
    "tipo_desconocido": "tipo de caso no reconocido",
    "estado_invalido": "estado no reconocido (abierto, cerrado o anulado)",
    "cierre_antes_de_creacion": "la fecha de cierre es anterior a la de creación",
    "estado_inconsistente": "el estado no concuerda con la fecha de cierre",
    # Until issue 13 these three (and an over-long category, channel or district) quarantined a
    # case; now they are warnings (WARNINGS below) and the case is imported.
    "provincia_invalida": "provincia no reconocida (código ISO 3166-2, p. ej. PA-8)",
    "canal_invalido": "canal no válido",
    "sla_invalido": "sla_days no es un número entero de días",
    "sector_invalido": "sector no reconocido",
    "activo_invalido": "active no es sí/no",
    "item_invalido": "ítem no reconocido (directorio, sla o base_conocimiento)",
    "caso_desconocido": "caso no registrado (importe los casos antes que sus traslados)",
    "traslado_misma_entidad": "la entidad de origen y la de destino son la misma",
    "traslado_antes_de_creacion": "el traslado es anterior a la creación del caso",
}

WARNINGS: dict[str, str] = {
    "provincia_desconocida": "provincia desconocida → sin dato",
    "sla_invalido": "sla_days no es un número entero de días (0 a 9999) → sin dato",
    "texto_recortado": "texto más largo que su columna → recortado",
    "caracter_nulo_eliminado": "carácter nulo (0x00) → eliminado",
}


def reason_text(code: str) -> str:
    """Spanish text of a reason code (the code itself when unknown)."""
    return REASONS.get(code, code)


def warning_text(code: str) -> str:
    """Spanish text of a warning code (the code itself when unknown)."""
    return WARNINGS.get(code, code)
