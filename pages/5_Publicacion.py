"""5_Publicacion (under construction)."""

from cac311.ui.guard import PUBLICACION, page_setup

ctx = page_setup(PUBLICACION)
ctx.stamp()
