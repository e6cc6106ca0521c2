"""1_Ranking (under construction)."""

from cac311.ui.guard import RANKING, page_setup

ctx = page_setup(RANKING)
ctx.stamp()
