"""6_Calidad_de_datos (under construction)."""

from cac311.ui.guard import CALIDAD, page_setup

ctx = page_setup(CALIDAD)
ctx.stamp()
