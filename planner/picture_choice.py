"""A picture for a custom activity (a therapist's own, not from the library).

A child who cannot read tells cards apart by their pictures, so custom
activities must not all share one face.  ``choose_picture`` looks at the
words of the title against a small keyword table; the keyword whose row
comes first in the table picks a picture under ``assets/custom/`` ("Walk
the dog" -> a dog, "Water the plants" -> a watering can, "Wash the dog" ->
a dog, not a bath).  With no keyword, the picture of the first known
area is used ("areas/fine-motor.svg"); only an activity with neither gets the
generic card.

Words match whole and case-insensitively, with simple English endings taken
off: plurals ("socks", "dishes", "stories"), "-ing" ("jumping", "baking",
"swimming") and "-ed" ("washed").

Pure and standard library only: no file is read.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

#: Areas that have a picture at ``assets/areas/<area>.svg``.
AREA_PICTURES: tuple[str, ...] = (
    "fine-motor", "visual-motor", "gross-motor", "motor-planning", "sensory", "self-care",
    "handwriting", "self-regulation", "social", "cognitive", "oral-motor",
)

#: Used only when a title has no keyword and no known area is given.
GENERIC_PICTURE = "activities/custom.svg"

# picture name (assets/custom/<name>.svg) -> the words that choose it
_TABLE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("dog", ("dog", "puppy", "pet")),
    ("cat", ("cat", "kitten")),
    ("watering-can", ("water", "plant", "garden", "flower", "seed")),
    ("ball", ("ball", "catch", "throw", "kick", "soccer", "basketball")),
    ("sock", ("sock",)),
    ("shoe", ("shoe", "lace", "boot", "sneaker", "velcro")),
    ("scissors", ("cut", "scissor", "snip")),
    ("pencil", ("draw", "write", "letter", "pencil", "trace")),
    ("paint", ("paint", "colour", "color", "crayon", "marker", "chalk")),
    ("jump", ("jump", "hop", "trampoline", "leap")),
    ("book", ("book", "read", "story", "library")),
    ("bath", ("bath", "wash", "shower", "soap", "towel")),
    ("music", ("sing", "song", "music", "rhyme", "drum", "instrument")),
    ("dance", ("dance", "dancing", "wiggle")),
    ("cook", ("cook", "bake", "stir", "recipe", "kitchen", "cookie")),
    ("toothbrush", ("tooth", "teeth", "toothbrush", "floss")),
    ("hair", ("hair", "comb", "hairbrush")),
    ("bike", ("bike", "bicycle", "cycle", "tricycle", "scooter", "ride")),
    ("swim", ("swim", "pool", "splash")),
    ("clothes", ("dress", "shirt", "pants", "trousers", "clothes", "undress", "pajama",
                 "pyjama", "hat")),
    ("coat", ("coat", "jacket", "zip", "zipper")),
    ("button", ("button", "unbutton")),
    ("toilet", ("toilet", "potty")),
    ("food", ("eat", "food", "snack", "lunch", "dinner", "breakfast", "fruit", "meal",
              "taste", "chew")),
    ("cup", ("cup", "drink", "straw", "pour")),
    ("puzzle", ("puzzle", "jigsaw")),
    ("blocks", ("block", "lego", "build", "stack", "tower")),
    ("bubbles", ("bubble", "blow", "whistle")),
    ("dough", ("dough", "playdough", "clay", "putty", "squeeze", "squish")),
    ("bed", ("bed", "bedtime", "sleep", "nap", "night")),
    ("breathe", ("breathe", "breath", "calm", "relax", "quiet")),
    ("tidy", ("tidy", "clean", "sweep", "chore", "mop")),
    ("walk", ("walk", "hike", "park", "outside", "march")),
    ("climb", ("climb", "playground", "slide", "stair", "ladder")),
    ("swing", ("swing", "hammock")),
    ("beads", ("bead", "thread", "necklace")),
    ("backpack", ("backpack", "bag", "school", "homework")),
    ("carry", ("carry", "push", "pull", "lift", "heavy", "wheelbarrow")),
    ("run", ("run", "race", "chase", "tag")),
    ("hug", ("hug", "cuddle", "massage")),
)

#: Every keyword and the picture it chooses (``assets/`` relative path).
CUSTOM_KEYWORDS: dict[str, str] = {
    word: f"custom/{name}.svg" for name, words in _TABLE for word in words
}

#: The picture names under ``assets/custom/`` (one per row of the table).
CUSTOM_PICTURES: tuple[str, ...] = tuple(f"custom/{name}.svg" for name, _ in _TABLE)

_WORD = re.compile(r"[a-z]+")


def word_forms(word: str) -> list[str]:
    """The word itself, then what it may be without a plural, -ing or -ed ending."""
    w = word.lower()
    forms = [w]
    if len(w) > 3 and w.endswith("ies"):
        forms.append(w[:-3] + "y")
    if len(w) > 3 and w.endswith("es"):
        forms.append(w[:-2])
    if len(w) > 2 and w.endswith("s") and not w.endswith("ss"):
        forms.append(w[:-1])
    for end in ("ing", "ed"):
        if len(w) > len(end) + 2 and w.endswith(end):
            stem = w[: -len(end)]
            forms.append(stem)
            forms.append(stem + "e")                     # baking -> bake
            if len(stem) > 2 and stem[-1] == stem[-2]:
                forms.append(stem[:-1])                  # swimming -> swim
    return forms


_RANK = {name: i for i, (name, _) in enumerate(_TABLE)}


def keyword_picture(title: str) -> str | None:
    """The picture of the title's keyword that comes first in the table, or None."""
    best: str | None = None
    for word in _WORD.findall(title.lower()):
        for form in word_forms(word):
            pic = CUSTOM_KEYWORDS.get(form)
            if pic and (best is None or _rank(pic) < _rank(best)):
                best = pic
    return best


def _rank(pic: str) -> int:
    return _RANK[pic[len("custom/"):-len(".svg")]]


def choose_picture(title: str, areas: Sequence[str]) -> str:
    """An ``assets/``-relative picture for a custom activity: by a title
    keyword first, else by the first area that has a picture."""
    pic = keyword_picture(title or "")
    if pic:
        return pic
    for area in areas or ():
        if area in AREA_PICTURES:
            return f"areas/{area}.svg"
    return GENERIC_PICTURE
