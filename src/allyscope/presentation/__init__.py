"""Presentation: renders what the assessment returns (it never computes a figure)."""
