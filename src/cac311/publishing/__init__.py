"""The publication calendar: recorded publication dates and the 12-month view."""
