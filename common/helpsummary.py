"""The useful part of ``help(cls)``, as text: what IPython's ``cls?`` shows.

The w8s8 video types ``asyncio.Queue?`` in IPython: the signature, the
docstring.  ``help()`` would print much more (dunder methods, the method
resolution order, inherited members) and, in a terminal, open a pager that
waits for a key.  :func:`help_summary` returns the part a student reads: the
call signature, the docstring, then the public methods and properties that
the class itself defines, one line each (the first line of their docstring),
``async`` marked as ``pydoc`` marks it.

The text is deterministic: no pager, no terminal width, no colours, no memory
addresses; annotations are left out of signatures (some libraries keep them
as strings, which reads badly: ``send(item: 'T_contra') -> 'None'``).  It
still depends on the installed versions (Python 3.13 adds
``Queue.shutdown()``), as ``help()`` does.
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any


def _plain_signature(obj: Any, *, drop_first: bool = False) -> str:
    """``(maxsize=0)``: the signature without annotations (and without ``self``)."""
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return "(...)"
    parameters = list(signature.parameters.values())
    if drop_first and parameters:
        parameters = parameters[1:]
    parameters = [p.replace(annotation=inspect.Parameter.empty) for p in parameters]
    return str(signature.replace(parameters=parameters, return_annotation=inspect.Signature.empty))


def _first_line(obj: Any) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def _class_doc(cls: type) -> tuple[str, str | None]:
    """The class's docstring, and the base it comes from if not its own.

    A dataclass without a docstring gets a generated one that only repeats its
    constructor (``MemoryObjectSendStream(_state: …)``); the nearest base class
    with a real docstring says more.
    """
    for klass in cls.__mro__:
        if klass is object:
            break
        doc = klass.__dict__.get("__doc__")
        if not doc or not doc.strip():
            continue
        if dataclasses.is_dataclass(klass) and doc.startswith(klass.__name__ + "("):
            continue
        return inspect.cleandoc(doc), None if klass is cls else klass.__name__
    return "", None


def _members(cls: type) -> list[tuple[str, str]]:
    """``(label, summary)`` for the public methods and properties ``cls`` defines."""
    rows = []
    for name, value in sorted(cls.__dict__.items()):
        if name.startswith("_"):
            continue
        if isinstance(value, property):
            rows.append((name, f"(property) {_first_line(value)}".rstrip()))
        elif isinstance(value, (staticmethod, classmethod)):
            func = value.__func__
            kind = "static" if isinstance(value, staticmethod) else "class"
            label = f"{name}{_plain_signature(func, drop_first=kind == 'class')}"
            rows.append((label, f"({kind}method) {_first_line(func)}".rstrip()))
        elif inspect.isfunction(value):
            prefix = "async " if inspect.iscoroutinefunction(value) else ""
            label = f"{prefix}{name}{_plain_signature(value, drop_first=True)}"
            rows.append((label, _first_line(value)))
    return rows


def help_summary(obj: Any, name: str | None = None) -> str:
    """The signature, docstring and public members of a class (or a function).

    ``name`` is how to call it in the header (default: its qualified name).
    """
    name = name or getattr(obj, "__qualname__", repr(obj))
    kind = "class" if inspect.isclass(obj) else "function"
    lines = [f"Help on {kind} {name} in module {obj.__module__}:", ""]
    lines.append(f"{name}{_plain_signature(obj)}")
    if inspect.isclass(obj):
        doc, source = _class_doc(obj)
    else:
        doc, source = inspect.getdoc(obj) or "", None
    if source is not None:
        lines.append(f"    (docstring of its base class {source})")
    lines.extend(f"    {line}".rstrip() for line in doc.splitlines())
    members = _members(obj) if inspect.isclass(obj) else []
    if members:
        lines.extend(["", "Methods and properties it defines:"])
        width = max(len(label) for label, _ in members)
        lines.extend(f"    {label:<{width}}  {summary}".rstrip() for label, summary in members)
    return "\n".join(lines)
