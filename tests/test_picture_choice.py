"""Choosing a picture for a custom activity from its title words and areas."""
from __future__ import annotations

import pytest

from planner.core.model import AREAS
from planner.library import ASSETS_DIR, load_library
from planner.picture_choice import (
    AREA_PICTURES, CUSTOM_KEYWORDS, CUSTOM_PICTURES, GENERIC_PICTURE, choose_picture, word_forms,
)


@pytest.mark.parametrize("title,expected", [
    ("Walk the dog", "custom/dog.svg"),
    ("Water the plants", "custom/watering-can.svg"),
    ("Catch a ball", "custom/ball.svg"),
    ("Put on your socks", "custom/sock.svg"),
    ("Tie shoe laces", "custom/shoe.svg"),
    ("Cut out shapes", "custom/scissors.svg"),
    ("Write a letter to Grandma", "custom/pencil.svg"),
    ("Bedtime story book", "custom/book.svg"),
    ("Sing a song", "custom/music.svg"),
    ("Bake muffins", "custom/cook.svg"),
    ("Bath time", "custom/bath.svg"),
])
def test_a_keyword_in_the_title_picks_its_picture(title, expected):
    assert choose_picture(title, ["cognitive"]) == expected


@pytest.mark.parametrize("title,expected", [
    ("JUMP ON THE SPOT", "custom/jump.svg"),           # case does not matter
    ("Jumping on the spot", "custom/jump.svg"),        # -ing
    ("Swimming lesson", "custom/swim.svg"),            # -ing with a doubled consonant
    ("Baking with Dad", "custom/cook.svg"),            # -ing with a dropped e
    ("Stories before sleep", "custom/book.svg"),       # -ies plural
    ("Wash the dishes", "custom/bath.svg"),            # -es plural: wash is the keyword
    ("Matching socks", "custom/sock.svg"),             # -s plural
    ("Brushed teeth", "custom/toothbrush.svg"),
])
def test_simple_word_endings_are_understood(title, expected):
    assert choose_picture(title, ["social"]) == expected


def test_keywords_match_whole_words_only():
    # "catalogue" holds "cat", "balloon" holds "ball", "dogma" holds "dog": none is the keyword
    assert choose_picture("Catalogue dogma", ["sensory"]) == "areas/sensory.svg"
    assert choose_picture("Balloon volley", ["gross-motor"]) == "areas/gross-motor.svg"


def test_the_earlier_row_of_the_table_wins_whatever_the_word_order():
    assert choose_picture("Wash the dog", []) == "custom/dog.svg"
    assert choose_picture("Dog wash", []) == "custom/dog.svg"


def test_without_a_keyword_the_first_known_area_is_used():
    assert choose_picture("Obstacle fun", ["gross-motor", "sensory"]) == "areas/gross-motor.svg"
    assert choose_picture("Obstacle fun", ["not-an-area", "sensory"]) == "areas/sensory.svg"


def test_only_with_no_keyword_and_no_area_the_generic_card_is_used():
    assert choose_picture("Obstacle fun", []) == GENERIC_PICTURE
    assert choose_picture("", ()) == GENERIC_PICTURE


def test_custom_activities_do_not_all_get_one_picture():
    titles = ["Walk the dog", "Water the plants", "Kick the ball", "Sing a song", "Read a book",
              "Jump on the trampoline", "Bake cookies", "Brush teeth"]
    assert len({choose_picture(t, ["cognitive"]) for t in titles}) == len(titles)
    assert len({choose_picture("Free play", [a]) for a in AREAS}) == len(AREAS)


def test_word_forms():
    assert word_forms("Jumping")[0] == "jumping" and "jump" in word_forms("jumping")
    assert "story" in word_forms("stories")
    assert "swim" in word_forms("swimming")
    assert "bake" in word_forms("baking")
    assert word_forms("glass") == ["glass"]          # no "glas"


def test_the_table_is_a_few_dozen_pictures_and_every_one_exists():
    assert 30 <= len(CUSTOM_PICTURES) <= 45
    assert set(CUSTOM_KEYWORDS.values()) == set(CUSTOM_PICTURES)
    for word, pic in CUSTOM_KEYWORDS.items():
        assert word == word.lower() and word.isalpha(), word
        assert (ASSETS_DIR / pic).is_file(), pic


def test_area_pictures_cover_the_model_areas_and_exist():
    assert set(AREA_PICTURES) == set(AREAS)
    for area in AREA_PICTURES:
        assert (ASSETS_DIR / "areas" / f"{area}.svg").is_file()
    assert (ASSETS_DIR / GENERIC_PICTURE).is_file()


def test_keyword_pictures_are_not_activity_pictures():
    lib_pictures = {a.picture for a in load_library().values()}
    assert not lib_pictures & set(CUSTOM_PICTURES)
