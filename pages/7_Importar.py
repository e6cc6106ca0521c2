"""7_Importar (under construction)."""

from cac311.ui.guard import IMPORTAR, page_setup

ctx = page_setup(IMPORTAR)
ctx.stamp()
