"""Benchmarks: measure the project's performance targets, and publish the table.

From the project root::

    python -m benchmarks                 # everything (~7 min), writes benchmarks/RESULTS.md
    python -m benchmarks --quick         # a smoke run (~1 min), written to a temporary file
    python -m benchmarks --only startup,window --out /tmp/results.md

Sections (``--only`` takes their names): ``suite`` (test-suite wall time and
the lesson time it simulates), ``fidelity`` (real runs against the ideal
schedule; first timer line; producer/consumer drift), ``w8s4`` (handed to
``benchmarks/bench_w8s4.py``, see :mod:`benchmarks.lesson_w8s4`),
``startup`` (``--list`` against ``import asyncio, anyio``; heavy imports),
``window`` (the window pattern at 1,000 to 100,000 jobs), ``notebook`` (a
demo in a Jupyter cell against the command line; 100 runs in one kernel),
``exercises`` (grading time of each exercise: command line and in process).

Each table is printed as Markdown when its section is done (progress goes to
stderr) and the file is rewritten after each section, with the machine the
numbers come from.  Measurements that depend on a fresh interpreter run in
subprocesses (:mod:`benchmarks.worker`).
"""
