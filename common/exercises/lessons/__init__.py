"""The exercises of each lesson (one module per lesson)."""
