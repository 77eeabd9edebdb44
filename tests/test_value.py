"""planner.core.value: the value classes behave like the dataclasses they replace."""
from __future__ import annotations

import dataclasses
from datetime import date
from enum import Enum
from typing import Any, ClassVar

import pytest

from planner.core.value import (MISSING, Field, FrozenInstanceError, asdict, field, fields, frozen,
                                is_value, mutable, replace)


class Colour(str, Enum):
    RED = "red"
    BLUE = "blue"


@frozen
class Point:
    x: int
    y: int = 0
    label: str = ""
    ORIGIN: ClassVar[str] = "origin"


@frozen
class Bag:
    name: str
    items: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict, compare=False)
    tags: tuple[str, ...] = field(default=(), repr=False)
    weight: float = field(default=0.0, hash=False)


@mutable
class Box:
    name: str
    points: list[Point] = field(default_factory=list)
    note: Any = field(default=None, compare=False)


@frozen
class Checked:
    kind: Colour
    count: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", Colour(self.kind))


@frozen
class OwnHash:
    a: int
    b: int

    def __hash__(self) -> int:
        return 42


@frozen
class Empty:
    pass


# ------------------------------------------------------------------ fields, defaults, arguments

def test_fields_in_annotation_order_and_classvars_skipped():
    assert [f.name for f in fields(Point)] == ["x", "y", "label"]
    assert [f.name for f in fields(Point(1))] == ["x", "y", "label"]
    assert all(isinstance(f, Field) for f in fields(Bag))
    assert Point.__match_args__ == ("x", "y", "label")
    assert Point.ORIGIN == "origin"
    assert is_value(Point) and is_value(Point(1)) and not is_value(1)
    with pytest.raises(TypeError):
        fields(int)


def test_positional_and_keyword_arguments_and_defaults():
    assert Point(1, 2, "a") == Point(x=1, y=2, label="a") == Point(1, label="a", y=2)
    p = Point(3)
    assert (p.x, p.y, p.label) == (3, 0, "")
    assert Point.y == 0                     # a plain default stays a class attribute, as dataclasses do
    assert "items" not in Bag.__dict__      # a factory's field has none
    assert Bag.weight == 0.0                # field(default=...) leaves the default


def test_a_missing_required_argument_raises_type_error():
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'x'"):
        Point()
    with pytest.raises(TypeError, match=r"Point\.__init__"):
        Point(y=1)


def test_an_unknown_keyword_or_too_many_arguments_raise_type_error():
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        Point(1, z=2)
    with pytest.raises(TypeError):
        Point(1, 2, "a", "extra")


def test_factories_are_not_shared_between_instances():
    a, b = Bag("a"), Bag("b")
    a.items.append("x")
    a.meta["k"] = 1
    assert b.items == [] and b.meta == {}
    assert a.items is not b.items
    m1, m2 = Box("1"), Box("2")
    m1.points.append(Point(1))
    assert m2.points == []


def test_a_mutable_default_without_factory_is_refused():
    with pytest.raises(ValueError, match="mutable default"):
        @frozen
        class Bad:
            xs: list = []               # noqa: RUF012


def test_a_required_field_after_a_default_is_refused():
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):
        @frozen
        class Bad:
            a: int = 1
            b: int


def test_default_and_default_factory_together_are_refused():
    with pytest.raises(ValueError):
        field(default=1, default_factory=list)


def test_post_init_runs_after_the_fields_are_set():
    c = Checked("red")
    assert c.kind is Colour.RED
    assert replace(c, kind="blue").kind is Colour.BLUE       # replace goes through __init__


# ------------------------------------------------------------------ frozen, equality, hashing

def test_frozen_instances_refuse_setting_and_deleting():
    p = Point(1)
    with pytest.raises(FrozenInstanceError, match="cannot assign to field 'x'"):
        p.x = 2
    with pytest.raises(FrozenInstanceError):
        p.new_attribute = 1
    with pytest.raises(FrozenInstanceError, match="cannot delete field 'y'"):
        del p.y
    with pytest.raises(AttributeError):                       # FrozenInstanceError is one
        p.x = 3
    assert p.x == 1


def test_mutable_instances_can_be_changed():
    b = Box("a")
    b.name = "b"
    assert b == Box("b")


def test_equality_only_between_the_same_class_on_compared_fields():
    assert Point(1, 2) == Point(1, 2)
    assert Point(1, 2) != Point(2, 1)
    assert Bag("a", meta={"x": 1}) == Bag("a", meta={"y": 2})         # meta is compare=False
    assert Bag("a", ["i"]) != Bag("a", ["j"])
    assert Box("a", note=1) == Box("a", note=2)

    @frozen
    class OtherPoint:
        x: int
        y: int = 0
        label: str = ""
    assert Point(1) != OtherPoint(1)
    assert Point(1) != (1, 0, "")
    assert Point.__eq__(Point(1), (1, 0, "")) is NotImplemented
    assert Empty() == Empty()


def test_hashing_frozen_and_not_mutable():
    assert hash(Point(1, 2)) == hash(Point(1, 2))
    assert len({Point(1, 2), Point(1, 2), Point(2, 1)}) == 2

    @frozen
    class Weighed:
        name: str
        weight: float = field(default=0.0, hash=False)
    assert hash(Weighed("a", 1.0)) == hash(Weighed("a", 2.0)) == hash(("a",))       # hash=False
    assert Weighed("a", 1.0) != Weighed("a", 2.0)                                   # still compared
    assert Box.__hash__ is None
    with pytest.raises(TypeError):
        hash(Box("a"))
    with pytest.raises(TypeError):                            # an unhashable field value
        hash(Bag("a", ["x"]))
    assert hash(OwnHash(1, 2)) == 42                          # the class's own __hash__ is kept
    assert hash(Empty()) == hash(())


# ------------------------------------------------------------------ repr, replace, asdict

def test_repr_like_dataclasses():
    assert repr(Point(1, 2, "x")) == "Point(x=1, y=2, label='x')"
    assert repr(Bag("a", tags=("t",))) == "Bag(name='a', items=[], meta={}, weight=0.0)"   # tags repr=False
    b = Box("loop")
    b.note = b
    assert repr(b) == "Box(name='loop', points=[], note=...)"
    assert repr(Empty()) == "Empty()"


def test_replace_makes_a_changed_copy():
    p = Point(1, 2, "a")
    q = replace(p, y=5)
    assert q == Point(1, 5, "a") and p == Point(1, 2, "a")
    assert replace(p) == p and replace(p) is not p
    with pytest.raises(TypeError):
        replace(p, z=1)
    with pytest.raises(TypeError):
        replace((1, 2), x=1)
    b = replace(Box("a", [Point(1)]), name="b")
    assert b == Box("b", [Point(1)])


def test_asdict_recurses_through_values_lists_tuples_and_dicts():
    box = Box("b", [Point(1, 2), Point(3)], note={"k": (Point(4), [Point(5)])})
    d = asdict(box)
    assert d == {"name": "b",
                 "points": [{"x": 1, "y": 2, "label": ""}, {"x": 3, "y": 0, "label": ""}],
                 "note": {"k": ({"x": 4, "y": 0, "label": ""}, [{"x": 5, "y": 0, "label": ""}])}}
    assert type(d["note"]["k"]) is tuple and type(d["note"]["k"][1]) is list
    bag = Bag("a", ["i"], {"m": [1]})
    d = asdict(bag)
    assert d["items"] == ["i"] and d["items"] is not bag.items          # copies, not the same lists
    assert d["meta"] == {"m": [1]} and d["meta"]["m"] is not bag.meta["m"]
    assert list(d) == ["name", "items", "meta", "tags", "weight"]
    assert asdict(Checked(Colour.RED))["kind"] is Colour.RED
    with pytest.raises(TypeError):
        asdict(Point)
    with pytest.raises(TypeError):
        asdict({"x": 1})


def test_an_object_built_without_init_is_a_full_instance():
    p = object.__new__(Point)
    p.__dict__.update(x=1, y=2, label="a")
    assert p == Point(1, 2, "a") and hash(p) == hash(Point(1, 2, "a"))
    assert repr(p) == "Point(x=1, y=2, label='a')"
    assert replace(p, x=9) == Point(9, 2, "a")
    with pytest.raises(FrozenInstanceError):
        p.x = 3
    partial = object.__new__(Point)          # y and label left to the class defaults
    partial.__dict__.update(x=1)
    assert partial == Point(1) and Point(1) == partial and hash(partial) == hash(Point(1))
    assert partial != Point(1, 2)


def test_subclass_takes_base_fields_first_and_a_redefined_field_keeps_its_place():
    @frozen
    class Labelled(Point):
        label: str = "default"
        colour: str = "red"
    assert [f.name for f in fields(Labelled)] == ["x", "y", "label", "colour"]
    assert Labelled(1) == Labelled(1, 0, "default", "red")
    assert Labelled(1) != Point(1, 0, "default")
    with pytest.raises(TypeError):
        @mutable
        class Mixed(Point):
            z: int = 0


def test_match_statement():
    match Point(1, 2):
        case Point(a, b):
            assert (a, b) == (1, 2)
        case _:
            pytest.fail("no match")


def test_missing_sentinel_repr():
    assert repr(MISSING) == "MISSING"


# ------------------------------------------------------------------ against real dataclasses

def _shapes():
    @dataclasses.dataclass(frozen=True)
    class DFrozen:
        name: str
        day: date
        colour: Colour = Colour.RED
        items: tuple[str, ...] = ()
        meta: dict = dataclasses.field(default_factory=dict, compare=False)
        extra: list = dataclasses.field(default_factory=list)

    @frozen
    class VFrozen:
        name: str
        day: date
        colour: Colour = Colour.RED
        items: tuple[str, ...] = ()
        meta: dict = field(default_factory=dict, compare=False)
        extra: list = field(default_factory=list)

    @dataclasses.dataclass
    class DMutable:
        name: str
        inner: Any = None
        tags: list = dataclasses.field(default_factory=list)

    @mutable
    class VMutable:
        name: str
        inner: Any = None
        tags: list = field(default_factory=list)

    return DFrozen, VFrozen, DMutable, VMutable


def _hash(obj: Any) -> Any:
    try:
        return hash(obj)
    except TypeError as exc:
        return str(exc)


CASES: list[tuple[tuple, dict]] = [
    (("a", date(2026, 3, 4)), {}),
    (("b", date(2026, 1, 1), Colour.BLUE, ("x", "y")), {"meta": {"k": [1, 2]}}),
    (("c",), {"day": date(2025, 12, 31), "extra": [{"n": 1}, (2, 3)]}),
    (("d", date(2024, 2, 29)), {"extra": None}),
]


@pytest.mark.parametrize("args,kwargs", CASES)
def test_frozen_value_behaves_like_a_frozen_dataclass(args, kwargs):
    DFrozen, VFrozen, _, _ = _shapes()
    d, v = DFrozen(*args, **kwargs), VFrozen(*args, **kwargs)
    assert repr(v) == repr(d).replace("DFrozen", "VFrozen")
    assert asdict(v) == dataclasses.asdict(d)
    assert [f.name for f in fields(v)] == [f.name for f in dataclasses.fields(d)]
    assert VFrozen.__match_args__ == DFrozen.__match_args__
    assert _hash(v) == _hash(d)     # both hash the tuple of the compared fields (or both cannot)
    d2, v2 = DFrozen(*args, **kwargs), VFrozen(*args, **kwargs)
    assert (v == v2) == (d == d2) is True
    assert (replace(v, name="z") == v) == (dataclasses.replace(d, name="z") == d) is False
    assert asdict(replace(v, items=("q",))) == dataclasses.asdict(dataclasses.replace(d, items=("q",)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.name = "n"
    with pytest.raises(FrozenInstanceError):
        v.name = "n"
    for cls in (DFrozen, VFrozen):
        with pytest.raises(TypeError):
            cls()
        with pytest.raises(TypeError):
            cls("a", date(2026, 1, 1), nope=1)


def test_mutable_value_behaves_like_a_dataclass():
    _, _, DMutable, VMutable = _shapes()
    d = DMutable("a", DMutable("in", tags=[1]), [2, (3, {"k": DMutable("deep")})])
    v = VMutable("a", VMutable("in", tags=[1]), [2, (3, {"k": VMutable("deep")})])
    assert repr(v) == repr(d).replace("DMutable", "VMutable")
    assert asdict(v) == dataclasses.asdict(d)
    assert (VMutable.__hash__ is None) and (DMutable.__hash__ is None)
    d.name = v.name = "b"
    assert repr(v) == repr(d).replace("DMutable", "VMutable")
    assert (v == VMutable("b", VMutable("in", tags=[1]), [2, (3, {"k": VMutable("deep")})])) is True
    assert (v == d) is False
