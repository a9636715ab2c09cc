"""A small modern version of w8s2: the views' tests point ``Sources.modern`` here."""
