"""Small value classes: what `@dataclass(frozen=True)` and `@dataclass` give our own classes, cheaply.

    from planner.core.value import field, frozen, mutable, replace

    @frozen
    class Goal:
        id: str
        text: str
        area: str | None = None
        tags: tuple[str, ...] = ()
        source: dict = field(default_factory=dict, compare=False)

`@frozen` and `@mutable` read the class's annotations (strings under
`from __future__ import annotations`; `ClassVar[...]` ones are skipped) and add, in the order
the annotations are written:

- `__init__(self, id, text, area=None, ...)`: positional or keyword arguments, defaults and
  `default_factory` (a new value for each instance), then `self.__post_init__()` when the class
  has one. A missing required argument or an unknown keyword raises TypeError.
- `__repr__`: `Goal(id='g1', text='Pincer', ...)` (the fields with `repr=True`).
- `__eq__`: only between instances of the same class, comparing the `compare=True` fields as a
  tuple (any other class: NotImplemented).
- `__hash__`: frozen classes hash the tuple of their `hash=True` fields (by default the compared
  ones); mutable classes are unhashable (`__hash__ = None`), as dataclasses with `eq=True` are.
- `__match_args__`, and the class attributes of plain defaults (like dataclasses).
- frozen: setting or deleting any attribute raises `FrozenInstanceError` (an AttributeError).
  `__post_init__` may still set one with `object.__setattr__(self, name, value)`.

A method the class body defines itself (`__repr__`, `__eq__`, `__hash__`, `__match_args__`) is
kept, as dataclasses keep it. A subclass decorated again gets its bases' fields first (a field it
declares again keeps its place and takes the new default).

Why not `dataclasses`: importing it pulls in `inspect`, `ast`, `dis` and `tokenize`, and it
compiles six functions per class; a `planner done` process created ~25 classes at import.
Here each class costs one compiled function (`__init__`); the other methods are shared functions
that read the class's field-name tuples. Fields live in the instance `__dict__` (no __slots__), so
an object made by `object.__new__(cls)` and `obj.__dict__.update(...)` is a full instance; a frozen
`__init__` stores through `self.__dict__` (cheaper than dataclasses' `object.__setattr__` per field).

Helpers, as in dataclasses: `field(...)`, `fields(cls_or_obj)` (Field objects with `.name`),
`replace(obj, **changes)` (a new instance through `__init__`, so `__post_init__` runs again),
`asdict(obj)` (recursive through value objects, lists, tuples and dicts) and `is_value(obj)`.
"""
from __future__ import annotations

from _thread import get_ident
from datetime import date, time, timedelta, timezone
from enum import Enum
from operator import itemgetter
from typing import Any

__all__ = ["FrozenInstanceError", "Field", "field", "frozen", "mutable", "fields", "replace", "asdict",
           "is_value", "MISSING"]


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""No default given (also the stand-in default of a field with a default_factory)."""


class FrozenInstanceError(AttributeError):
    """Setting or deleting an attribute of a frozen value object."""


class Field:
    """One field of a value class: its name, default or factory, and whether it takes part in
    equality, hashing and the repr."""
    __slots__ = ("name", "default", "default_factory", "compare", "hash", "repr")

    def __init__(self, default: Any = MISSING, default_factory: Any = MISSING, compare: bool = True,
                 hash: bool | None = None, repr: bool = True) -> None:  # noqa: A002 - dataclasses' names
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.compare = compare
        self.hash = hash
        self.repr = repr

    @property
    def hashed(self) -> bool:
        return self.compare if self.hash is None else self.hash

    def __repr__(self) -> str:
        return (f"Field(name={self.name!r}, default={self.default!r}, "
                f"default_factory={self.default_factory!r}, compare={self.compare!r}, "
                f"hash={self.hash!r}, repr={self.repr!r})")


def field(*, default: Any = MISSING, default_factory: Any = MISSING, compare: bool = True,
          hash: bool | None = None, repr: bool = True) -> Any:  # noqa: A002 - dataclasses' names
    """A field with options, as the class-body value of an annotated name:
    `tags: list[str] = field(default_factory=list)`, `source: dict = field(default=None, compare=False)`."""
    return Field(default, default_factory, compare, hash, repr)


# ------------------------------------------------------------------ the decorators

def frozen(cls: type) -> type:
    """Make `cls` an immutable value class (see the module text)."""
    return _process(cls, True)


def mutable(cls: type) -> type:
    """Make `cls` a mutable value class: like `frozen`, but attributes can be set and instances
    are unhashable."""
    return _process(cls, False)


def _is_classvar(annotation: Any) -> bool:
    text = annotation if isinstance(annotation, str) else repr(annotation)
    text = text.strip()
    for prefix in ("ClassVar", "typing.ClassVar", "t.ClassVar"):
        if text == prefix or text.startswith(prefix + "["):
            return True
    return False


def _tuple_getter(names: tuple[str, ...]):
    """An instance `__dict__` -> the tuple of those fields' values (a tuple even for one name or
    none). Reading the dict in C is cheaper than getattr per field; `_eq` and `_hash` fall back to
    getattr when a field is missing from the dict."""
    if not names:
        return lambda d: ()
    if len(names) == 1:
        get = itemgetter(names[0])
        return lambda d: (get(d),)
    return itemgetter(*names)


def _process(cls: type, is_frozen: bool) -> type:
    own = cls.__dict__
    found: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        base_fields = base.__dict__.get("__value_fields__")
        if base_fields is not None:
            if base.__dict__["__value_frozen__"] != is_frozen:
                raise TypeError(f"{cls.__qualname__}: cannot mix frozen and mutable value classes "
                                f"(base {base.__qualname__})")
            for f in base_fields:
                found[f.name] = f
    for name, annotation in own.get("__annotations__", {}).items():
        if _is_classvar(annotation):
            continue
        if name.startswith("__value"):
            raise TypeError(f"{cls.__qualname__}: the field name {name!r} is reserved")
        value = own.get(name, MISSING)
        if isinstance(value, Field):
            f = value
            if f.default is MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, f.default)
        else:
            f = Field(default=value)
        if f.default is not MISSING and f.default.__class__.__hash__ is None:
            raise ValueError(f"mutable default {type(f.default)} for field {name} is not allowed: "
                             f"use default_factory")
        f.name = name
        found[name] = f            # a redefined base field keeps its place
    all_fields = tuple(found.values())
    names = tuple(f.name for f in all_fields)

    seen_default = False
    for f in all_fields:
        if f.default is not MISSING or f.default_factory is not MISSING:
            seen_default = True
        elif seen_default:
            raise TypeError(f"non-default argument {f.name!r} follows default argument")

    cls.__value_fields__ = all_fields
    cls.__value_frozen__ = is_frozen
    cls.__value_names__ = names
    cls.__value_repr__ = tuple(f.name for f in all_fields if f.repr)
    cls.__value_cmp__ = cmp = tuple(f.name for f in all_fields if f.compare)
    cls.__value_cmp_key__ = _tuple_getter(cmp)
    cls.__value_hash__ = hashed = tuple(f.name for f in all_fields if f.hashed)
    cls.__value_hash_key__ = _tuple_getter(hashed)

    if "__init__" not in own:
        cls.__init__ = _make_init(cls, all_fields, is_frozen, hasattr(cls, "__post_init__"))
    if "__repr__" not in own:
        cls.__repr__ = _repr
    if "__eq__" not in own:
        cls.__eq__ = _eq
    explicit_hash = "__hash__" in own and not (own["__hash__"] is None and "__eq__" in own)
    if not explicit_hash:
        cls.__hash__ = _hash if is_frozen else None
    if is_frozen:
        cls.__setattr__ = _frozen_setattr
        cls.__delattr__ = _frozen_delattr
    if "__match_args__" not in own:
        cls.__match_args__ = names
    if not own.get("__doc__"):
        cls.__doc__ = f"{cls.__name__}({', '.join(names)})"
    return cls


def _make_init(cls: type, all_fields: tuple[Field, ...], is_frozen: bool, post_init: bool):
    """The one compiled function of a class: `__init__` with the fields as parameters."""
    names = {f.name for f in all_fields}
    self_name = "self" if "self" not in names else "__value_self"
    params = [self_name]
    body = []
    scope: dict[str, Any] = {"__value_MISSING": MISSING}
    if is_frozen and all_fields:
        body.append(f"__value_d = {self_name}.__dict__")
    for f in all_fields:
        n = f.name
        if f.default_factory is not MISSING:
            scope[f"__value_f_{n}"] = f.default_factory
            params.append(f"{n}=__value_MISSING")
            value = f"__value_f_{n}() if {n} is __value_MISSING else {n}"
        else:
            if f.default is not MISSING:
                scope[f"__value_d_{n}"] = f.default
                params.append(f"{n}=__value_d_{n}")
            else:
                params.append(n)
            value = n
        body.append(f"__value_d[{n!r}] = {value}" if is_frozen else f"{self_name}.{n} = {value}")
    if post_init:
        body.append(f"{self_name}.__post_init__()")
    if not body:
        body.append("pass")
    args = ", ".join(scope)
    src = (f"def __value_make({args}):\n"
           f" def __init__({', '.join(params)}):\n"
           + "".join(f"  {line}\n" for line in body)
           + " return __init__\n")
    ns: dict[str, Any] = {}
    exec(src, {"__builtins__": __builtins__}, ns)  # noqa: S102 - our own generated source
    init = ns["__value_make"](**scope)
    qualname = f"{cls.__qualname__}.__init__"
    init.__code__ = init.__code__.replace(co_qualname=qualname)
    init.__qualname__ = qualname
    init.__module__ = cls.__module__
    return init


# ------------------------------------------------------------------ the shared methods

_in_repr: set[tuple[int, int]] = set()


def _repr(self: Any) -> str:
    key = (id(self), get_ident())
    if key in _in_repr:
        return "..."
    _in_repr.add(key)
    try:
        cls = self.__class__
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in cls.__value_repr__)
        return f"{cls.__qualname__}({inner})"
    finally:
        _in_repr.discard(key)


def _eq(self: Any, other: Any) -> Any:
    cls = self.__class__
    if other.__class__ is not cls:
        return NotImplemented
    key = cls.__value_cmp_key__
    try:
        mine, theirs = key(self.__dict__), key(other.__dict__)
    except KeyError:            # a field left to its class default (an object not made by __init__)
        names = cls.__value_cmp__
        mine, theirs = tuple([getattr(self, n) for n in names]), tuple([getattr(other, n) for n in names])
    return mine == theirs


def _hash(self: Any) -> int:
    cls = self.__class__
    try:
        key = cls.__value_hash_key__(self.__dict__)
    except KeyError:
        key = tuple([getattr(self, n) for n in cls.__value_hash__])
    return hash(key)


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


# ------------------------------------------------------------------ helpers

def is_value(obj: Any) -> bool:
    """True for a value class or an instance of one."""
    cls = obj if isinstance(obj, type) else type(obj)
    return hasattr(cls, "__value_fields__")


def fields(cls_or_obj: Any) -> tuple[Field, ...]:
    """The Field objects of a value class or instance, in order (`[f.name for f in fields(x)]`)."""
    cls = cls_or_obj if isinstance(cls_or_obj, type) else type(cls_or_obj)
    try:
        return cls.__value_fields__
    except AttributeError:
        raise TypeError(f"{cls.__qualname__} is not a value class") from None


def replace(obj: Any, /, **changes: Any) -> Any:
    """A new instance like `obj` with some fields changed (through `__init__`: defaults are not
    re-applied, `__post_init__` runs again). An unknown field name raises TypeError."""
    cls = obj.__class__
    try:
        names = cls.__value_names__
    except AttributeError:
        raise TypeError("replace() should be called on value instances") from None
    kwargs = {n: getattr(obj, n) for n in names}
    kwargs.update(changes)
    return cls(**kwargs)


_ATOMS = (str, int, float, bool, type(None), bytes, complex)
_IMMUTABLE = (date, time, timedelta, timezone, Enum)       # deep-copying one gives an equal value


def asdict(obj: Any) -> dict[str, Any]:
    """A value instance as a dict of its fields, recursively: value objects inside become dicts,
    lists, tuples and dicts are rebuilt with converted items, other values are deep-copied (as
    dataclasses.asdict does)."""
    if not is_value(obj) or isinstance(obj, type):
        raise TypeError("asdict() should be called on value instances")
    return _asdict(obj)


def _asdict(obj: Any) -> Any:
    cls = obj.__class__
    if cls in _ATOMS or isinstance(obj, _IMMUTABLE):
        return obj
    if hasattr(cls, "__value_fields__"):
        return {n: _asdict(getattr(obj, n)) for n in cls.__value_names__}
    if isinstance(obj, (list, tuple)):
        return cls(_asdict(v) for v in obj)
    if isinstance(obj, dict):
        return cls((_asdict(k), _asdict(v)) for k, v in obj.items())
    import copy
    return copy.deepcopy(obj)
