"""The bundled activity library (data files), its value type and its loader."""
from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from conftest import lib_activity
from planner.core.activity import (AGE_BANDS_MONTHS, MAX_AGE_MONTHS, PRECAUTION_LABELS, PRECAUTIONS,
                                   LibraryActivity)
from planner.core.model import AREAS, SENSORY_KINDS, SENSORY_SYSTEMS, SETTINGS, SLOTS
from planner.library import (LIBRARY_DIR, LibraryError, activity_from_dict, filter_library,
                             load_library, read_library_dir)

REQUIRED = ("tweezers-pickup scissor-cutting obstacle-course jumping-jacks ball-catching wall-pushups "
            "heavy-carry swinging texture-bin multisensory-letters puzzle-building buttoning-practice "
            "zipping-coat brushing-teeth bead-stringing playdough-squeeze animal-walks "
            "backpack-organizing deep-breathing tummy-time role-play-greetings").split()

# Words of UK English that a US family would not say (kid titles and every text of an activity).
UK_WORDS = ("jug", "jugs", "hob", "rubbish", "peg", "pegs", "trousers", "jumper", "nappy", "nappies",
            "colour", "colours", "coloured", "favourite", "practise", "practises", "mum", "dummy",
            "biscuit", "biscuits", "crisps", "torch", "pyjamas", "organise", "organising", "metre",
            "practising", "cosy", "centimetres", "zips",
            "metres", "centre", "maths", "cooker", "pram", "pushchair", "sellotape", "flannel")
UK_PHRASES = ("star jumps", "pe kit", "toilet-roll", "toilet roll", "cotton wool", "cheese strings",
              "sticky tape")
# Kid titles only: words that are fine in a parent's text but not as an instruction to a child.
KID_UK_WORDS = UK_WORDS + ("post", "kit", "tick", "bin")
RUSHING = ("beat", "race", "racing", "fast", "faster", "fastest", "quick", "quickly", "hurry",
           "timer", "speed", "before")
NOT_THE_CHILD_VOICE = ("my", "me", "mine", "i", "i'm", "let's", "lets", "we", "our")
UNSAFE_PHRASES = ("on the wall", "head first", "off the bed", "from the sofa", "spin fast")


@pytest.fixture(scope="module")
def raw():
    out = []
    for path in sorted(LIBRARY_DIR.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(doc, dict) and isinstance(doc.get("activities"), list):
            out.extend(doc["activities"])
    return out


@pytest.fixture(scope="module")
def by_id(raw):
    return {a["id"]: a for a in raw}


def texts(a: dict) -> list[str]:
    """Every human-readable text of a data entry."""
    out = [a["title"], a["kid_title"], a.get("why") or "", a["easier"], a["harder"], a.get("safety") or ""]
    return out + list(a["materials"]) + list(a["steps"])


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


# ------------------------------------------------------------------ size and fields

def test_size_and_required_ids(raw):
    ids = [a["id"] for a in raw]
    assert len(ids) >= 130 and len(ids) == len(set(ids))
    assert set(REQUIRED) <= set(ids)
    assert len(load_library()) == len(ids)


def test_every_field(raw):
    for a in raw:
        where = a["id"]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", a["id"]), where
        assert 0 < len(a["title"]) <= 60 and 0 < len(a["kid_title"]) <= 24, where
        assert 1 <= len(a["areas"]) <= 3 and set(a["areas"]) <= set(AREAS), where
        assert set(a["ages"]) == {"min_months", "max_months"}, where
        lo, hi = a["ages"]["min_months"], a["ages"]["max_months"]
        assert isinstance(lo, int) and isinstance(hi, int), where
        assert 0 <= lo <= hi <= MAX_AGE_MONTHS, where
        assert 1 <= a["dose"]["minutes"] <= 30, where
        assert isinstance(a["materials"], list)
        assert 3 <= len(a["steps"]) <= 7 and all(0 < len(s) <= 100 for s in a["steps"]), where
        assert a["easier"] and a["harder"], where
        assert a["setting"] in SETTINGS, where
        assert set(a["when"]) <= set(SLOTS) and 1 <= len(a["when"]) <= 3, where
        assert "after-school" not in a["when"], where
        if a["sensory"] is not None:
            assert a["sensory"]["kind"] in SENSORY_KINDS, where
            assert 1 <= len(a["sensory"]["systems"]) <= 3
            assert set(a["sensory"]["systems"]) <= set(SENSORY_SYSTEMS), where
        assert isinstance(a["conflicts"], list) and len(set(a["conflicts"])) == len(a["conflicts"]), where
        assert set(a["conflicts"]) <= set(PRECAUTIONS), where
        assert isinstance(a["weighted"], bool) and isinstance(a["counts_toward_budget"], bool), where
        assert a["safety"] is None or a["safety"].strip(), where
        assert a["picture"] == f"activities/{a['id']}.svg", where


# ------------------------------------------------------------------ coverage

def test_coverage_of_areas_and_sensory_items(raw):
    per_area = Counter(area for a in raw for area in a["areas"])
    assert all(per_area[area] >= 4 for area in AREAS), per_area
    kinds = Counter(a["sensory"]["kind"] for a in raw if a["sensory"])
    assert sum(kinds.values()) >= 10
    assert kinds["alerting"] >= 8, kinds
    assert kinds["calming"] >= 8 and kinds["organizing"] >= 8, kinds


@pytest.mark.parametrize("band", list(AGE_BANDS_MONTHS))
def test_every_age_band_is_served_by_at_least_15(raw, band):
    lo, hi = AGE_BANDS_MONTHS[band]
    served = [a["id"] for a in raw
              if a["ages"]["min_months"] <= hi and a["ages"]["max_months"] >= lo]
    assert len(served) >= 15, (band, served)


def test_age_bands_cover_childhood_without_gaps():
    bands = sorted(AGE_BANDS_MONTHS.values())
    assert bands[0][0] == 0 and bands[-1][1] == MAX_AGE_MONTHS
    assert all(b[0] == a[1] + 1 for a, b in zip(bands, bands[1:]))


def test_sensory_area_items_all_have_a_kind(raw):
    missing = [a["id"] for a in raw if "sensory" in a["areas"] and not a["sensory"]]
    assert missing == []


def test_obstacle_course_is_organizing_heavy_work(by_id):
    sensory = by_id["obstacle-course"]["sensory"]
    assert sensory["kind"] == "organizing" and "proprioceptive" in sensory["systems"]


def test_the_categories_clinics_prescribe_most_are_there(by_id):
    for aid in ("spoon-tastes", "texture-steps", "food-exploration", "chewing-practice",
                "potty-routine", "undressing-practice", "tshirt-on", "pants-on", "coat-flip",
                "fork-use", "knife-fork-cutting", "hair-brushing", "nose-blowing", "broken-crayons",
                "short-pencil-grip", "coins-bank", "finger-piano", "lacing-cards", "clapping-rhymes",
                "lazy-8", "hidden-pictures", "dot-to-dot", "spot-difference", "supported-sitting",
                "side-lying-play", "pull-to-stand", "hands-to-midline", "visual-tracking",
                "engine-check", "body-scan", "first-then-board", "transition-warning",
                "movement-break-menu"):
        assert aid in by_id, aid


# ------------------------------------------------------------------ precautions, weight, budget

def test_precaution_vocabulary():
    required = {"latex-allergy", "food-allergy", "choking-risk", "dysphagia", "no-trampoline",
                "seizures", "skin-sensitivity", "vestibular-caution"}
    assert required <= set(PRECAUTIONS)
    assert tuple(PRECAUTION_LABELS) == PRECAUTIONS and len(set(PRECAUTIONS)) == len(PRECAUTIONS)
    for pid, label in PRECAUTION_LABELS.items():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", pid) and label.strip(), pid


@pytest.mark.parametrize("aid,needed", [
    ("balloon-tap", {"latex-allergy"}),
    ("chewy-snack", {"choking-risk", "food-allergy", "dysphagia"}),
    ("trampoline-jumps", {"no-trampoline", "seizures"}),
    ("swinging", {"vestibular-caution", "seizures"}),
    ("shaving-foam-letters", {"skin-sensitivity"}),
    ("crash-pad", {"no-trampoline"}),
    ("texture-steps", {"choking-risk", "dysphagia"}),
    ("finger-foods", {"choking-risk", "dysphagia"}),
])
def test_named_conflicts(by_id, aid, needed):
    assert needed <= set(by_id[aid]["conflicts"])


def test_balloons_and_foods_carry_their_conflicts(raw):
    for a in raw:
        stuff = " ".join(a["materials"]).lower()
        if "balloon" in stuff:
            assert "latex-allergy" in a["conflicts"], a["id"]
    eating = [a for a in raw if "oral-motor" in a["areas"] and "self-care" in a["areas"]
              and a["id"] not in ("brushing-teeth", "nose-blowing")]
    assert eating
    for a in eating:
        assert {"dysphagia", "nothing-by-mouth"} & set(a["conflicts"]), a["id"]


def test_every_activity_with_a_conflict_says_why_in_its_safety_text(raw):
    assert [a["id"] for a in raw if a["conflicts"] and not a["safety"]] == []


def test_weighted_flags(raw):
    weighted = {a["id"] for a in raw if a["weighted"]}
    assert {"weighted-lap-pad", "weighted-blanket-rest", "heavy-backpack-walk"} <= weighted
    for a in raw:
        if a["weighted"]:
            assert "weight" in (a["safety"] or "").lower(), a["id"]
            assert a["ages"]["min_months"] >= 36, a["id"]   # no weighted items for babies or toddlers
    assert load_library()["weighted-lap-pad"].weighted and not load_library()["tweezers-pickup"].weighted


def test_routines_do_not_count_toward_the_budget(raw, by_id):
    for aid in ("brushing-teeth", "bedtime-wind-down", "hand-washing", "potty-routine"):
        assert by_id[aid]["counts_toward_budget"] is False, aid
    for aid in ("tweezers-pickup", "wall-pushups", "scissor-cutting"):
        assert by_id[aid]["counts_toward_budget"] is True, aid
    for a in raw:
        if not a["counts_toward_budget"]:
            assert a["setting"] == "routine", a["id"]


# ------------------------------------------------------------------ kid titles and wording

def test_kid_titles_are_short_instructions_to_the_child(raw):
    for a in raw:
        kid = a["kid_title"]
        w = words(kid)
        assert len(kid) <= 24 and kid[0].isupper(), kid
        assert not set(w) & set(NOT_THE_CHILD_VOICE), kid
        assert not set(w) & set(KID_UK_WORDS), kid
        assert not set(w) & set(RUSHING), kid
        assert not any(p in kid.lower() for p in UNSAFE_PHRASES + UK_PHRASES), kid
        assert "!" not in kid, kid


def test_titles_and_kid_titles_are_unique(raw):
    """A child tells cards apart by the kid title: no two activities share one."""
    for field in ("title", "kid_title"):
        seen = Counter(a[field].lower() for a in raw)
        assert [t for t, n in seen.items() if n > 1] == [], field


def test_the_issue_kid_titles(by_id):
    assert by_id["jumping-jacks"]["kid_title"] == "Do jumping jacks"
    assert by_id["vertical-surface-drawing"]["kid_title"] == "Draw on the easel"
    assert by_id["brushing-teeth"]["kid_title"] == "Brush your teeth"
    assert by_id["zipping-coat"]["kid_title"] == "Zip your coat"
    assert "timer" not in by_id["work-break-timer"]["kid_title"].lower()


def test_us_english_everywhere(raw):
    for a in raw:
        for text in texts(a):
            assert not set(words(text)) & set(UK_WORDS), (a["id"], text)
            assert not any(p in text.lower() for p in UK_PHRASES), (a["id"], text)


# ------------------------------------------------------------------ safety

@pytest.mark.parametrize("aid", [
    "scissor-cutting", "swinging", "tummy-time", "obstacle-course", "heavy-carry", "chewy-snack",
    "bedtime-wind-down", "ball-catching", "tweezers-pickup", "block-tower", "bean-bag-toss",
    "pouring-practice", "mirror-faces", "trampoline-jumps", "shaving-foam-letters",
    "teether-exploration", "balloon-tap", "crash-pad", "weighted-lap-pad",
])
def test_safety_notes_where_they_matter(by_id, aid):
    assert by_id[aid]["safety"], aid


def test_safety_findings_are_answered(by_id):
    def low(aid, field="safety"):
        value = by_id[aid][field]
        return (" ".join(value) if isinstance(value, list) else value or "").lower()
    assert "under 4" in low("chewy-snack") and "carrot" in low("chewy-snack")
    assert "under 4" in low("chewy-snack", "materials")        # the foods list splits by age
    assert "alone in the bath" in low("bedtime-wind-down")
    assert "balloon" not in low("ball-catching", "materials") + low("ball-catching", "easier")
    tweezers = by_id["tweezers-pickup"]
    offered = [tweezers["easier"], tweezers["harder"]] + tweezers["materials"] + tweezers["steps"]
    assert not any("bean" in t.lower() for t in offered)          # dried beans: nose and ear risk
    assert "left-handed" in low("scissor-cutting")
    assert "handle" in low("trampoline-jumps")
    assert "necklace" in low("teether-exploration") and "gel" in low("teether-exploration")
    assert "latex" in low("balloon-tap")
    assert "head first" in low("crash-pad")
    grading = low("shaving-foam-letters", "easier")
    assert "brush" in grading or "bag" in grading


def test_activities_for_toddlers_and_babies_say_how_to_keep_them_safe(raw):
    """Anything but a daily routine that reaches under-3s has safety text (supervision, small parts)."""
    missing = [a["id"] for a in raw
               if a["ages"]["min_months"] < 36 and a["setting"] != "routine" and not a["safety"]]
    assert missing == []


# ------------------------------------------------------------------ ages in months

def test_infant_ages_are_in_months(by_id):
    lib = load_library()
    walking_toddler = 23
    assert not lib["tummy-time"].suits_age_months(walking_toddler)
    assert not lib["rattle-grasp"].suits_age_months(walking_toddler)
    for aid in ("cup-drinking", "spoon-feeding", "spoon-tastes"):
        assert lib[aid].suits_age_months(10), aid
    infant_items = [a for a in by_id.values() if a["ages"]["max_months"] < 24]
    assert len(infant_items) >= 10
    assert any(a["ages"]["max_months"] % 12 != 11 for a in infant_items)


def test_year_view_is_derived_from_months():
    for a in load_library().values():
        assert a.age_min == a.age_min_months // 12 and a.age_max == a.age_max_months // 12
        for years in range(0, 19):
            months = range(years * 12, years * 12 + 12)
            assert a.suits_age(years) == any(a.suits_age_months(m) for m in months), (a.id, years)


def test_suits_age_at_the_edges():
    act = lib_activity("x", ages_months=(6, 36))
    assert (act.age_min, act.age_max) == (0, 3)
    assert act.suits_age(0) and act.suits_age(3) and not act.suits_age(4)
    assert not act.suits_age_months(5) and act.suits_age_months(6)
    assert act.suits_age_months(36) and not act.suits_age_months(37)


@pytest.mark.parametrize("months,text", [
    ((6, 36), "6-36 months"), ((0, 9), "0-9 months"), ((36, 71), "3-5 years"),
    ((144, 215), "12-17 years"), ((18, 71), "18 months-5 years"), ((30, 83), "30 months-6 years"),
    ((48, 100), "4 years-100 months"),
])
def test_age_text(months, text):
    assert lib_activity("x", ages_months=months).age_text() == text


def test_filter_library_by_age_in_months_and_years():
    ten_months = filter_library(age_months=10)
    ids = {a.id for a in ten_months}
    assert {"cup-drinking", "spoon-tastes", "crawling-play"} <= ids
    assert not {"scissor-cutting", "trampoline-jumps", "tummy-time"} & ids
    assert all(a.suits_age_months(10) for a in ten_months)
    fine = filter_library(area="fine-motor", age_months=48)
    assert fine and all("fine-motor" in a.areas and a.suits_age_months(48) for a in fine)
    assert {a.id for a in filter_library(age=0)} >= ids
    both = filter_library(age=1, age_months=23)
    assert both and all(a.suits_age_months(23) for a in both)
    lib = {"a": lib_activity("a", ages_months=(0, 9)), "b": lib_activity("b", ages_months=(10, 30))}
    assert [a.id for a in filter_library(age_months=9, library=lib)] == ["a"]
    assert [a.id for a in filter_library(age_months=10, library=lib)] == ["b"]
    assert [a.id for a in filter_library(age=0, library=lib)] == ["a", "b"]


# ------------------------------------------------------------------ the value type and the loader

def test_to_dict_round_trips_every_field(raw):
    for entry in raw:
        act = activity_from_dict(entry)
        d = act.to_dict()
        assert activity_from_dict(d) == act
        assert set(d) == set(entry), entry["id"]
        assert d["ages"]["min_months"] == entry["ages"]["min_months"]
        assert d["conflicts"] == entry["conflicts"] and d["weighted"] == entry["weighted"]
        assert d["counts_toward_budget"] == entry["counts_toward_budget"]
    d = lib_activity("y", ages_months=(30, 100)).to_dict()
    assert d["ages"] == {"min_months": 30, "max_months": 100, "min": 2, "max": 8}


def test_conflicts_with_names_the_childs_precautions():
    act = lib_activity("x", conflicts=("latex-allergy", "seizures"))
    assert act.conflicts_with(["seizures", "food-allergy"]) == ("seizures",)
    assert act.conflicts_with([]) == ()


def _entry(**over) -> dict:
    d = {"id": "clinic-walk", "title": "Clinic walk", "kid_title": "Walk to the door", "areas": ["gross-motor"],
         "ages": {"min": 3, "max": 5}, "dose": {"minutes": 5}, "steps": ["a", "b", "c"],
         "setting": "movement"}
    d.update(over)
    return d


def test_loader_defaults_and_legacy_years():
    act = activity_from_dict(_entry())
    assert (act.age_min_months, act.age_max_months) == (36, 71)
    assert act.conflicts == () and act.weighted is False and act.counts_toward_budget is True
    assert act.safety is None and act.picture == "activities/custom.svg"


@pytest.mark.parametrize("over,needle", [
    ({"conflicts": ["peanuts"]}, "peanuts"),
    ({"ages": {"min_months": 40, "max_months": 30}}, "ages"),
    ({"ages": {"min_months": 0, "max_months": 400}}, "ages"),
    ({"steps": None}, "clinic-walk"),
])
def test_loader_refuses_bad_entries_naming_the_activity(over, needle):
    with pytest.raises(LibraryError) as err:
        activity_from_dict(_entry(**over))
    assert needle in str(err.value) and "clinic-walk" in str(err.value)


def test_read_library_dir_skips_other_files_and_refuses_duplicates(tmp_path):
    (tmp_path / "areas.json").write_text(json.dumps({"areas": {}, "slots": {}}))
    (tmp_path / "codes.json").write_text(json.dumps([{"activity": "x"}]))
    (tmp_path / "clinic.json").write_text(json.dumps({"activities": [_entry()]}))
    lib = read_library_dir(tmp_path)
    assert list(lib) == ["clinic-walk"] and isinstance(lib["clinic-walk"], LibraryActivity)
    (tmp_path / "more.json").write_text(json.dumps({"activities": [_entry()]}))
    with pytest.raises(LibraryError, match="more.json.*twice"):
        read_library_dir(tmp_path)


def test_the_example_in_the_docs_loads_and_follows_the_rules():
    doc = (LIBRARY_DIR.parent.parent / "docs" / "library.md").read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)```", doc, re.S).group(1)
    entries = json.loads(block)["activities"]
    for entry in entries:
        act = activity_from_dict(entry)
        assert act.to_dict()["ages"]["min_months"] == entry["ages"]["min_months"]
        assert len(act.kid_title) <= 24 and not set(words(act.kid_title)) & set(NOT_THE_CHILD_VOICE)
        assert set(act.conflicts) <= set(PRECAUTIONS) and act.safety
        assert act.picture == f"activities/{act.id}.svg" and act.id not in load_library()
