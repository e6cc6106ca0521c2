"""2_Entidad (under construction)."""

from cac311.ui.guard import ENTIDAD, page_setup

ctx = page_setup(ENTIDAD)
ctx.stamp()
