"""Starter files: what ``start`` writes (the statement is each file's docstring)."""
