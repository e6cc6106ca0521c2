"""4_Directorio_y_comunicados (under construction)."""

from cac311.ui.guard import DIRECTORIO, page_setup

ctx = page_setup(DIRECTORIO)
ctx.stamp()
