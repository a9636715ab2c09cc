"""Lesson modules of the views' tests (a modern version for the views to find)."""
