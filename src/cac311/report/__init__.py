"""The monthly one-page PDF report (issue 15): data.py asks the analytics API, the rest renders."""
