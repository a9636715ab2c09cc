"""Reference solutions: what ``solution`` prints, and what the tests grade."""
