"""Acceptance inspections of the points (附件2) and their score sheets."""
