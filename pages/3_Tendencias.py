"""3_Tendencias (under construction)."""

from cac311.ui.guard import TENDENCIAS, page_setup

ctx = page_setup(TENDENCIAS)
ctx.stamp()
