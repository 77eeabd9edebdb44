"""Kid mode for a child who cannot read, through Flet's real Session with a fake client: the
Now card by the clock, voice (a parent's recording first), rep dots, the picture timer, the star
row, the celebration and its sound, the grown-up gate, and plan format 2 (choices as pictures,
as-needed never shown, safety first on the first use each day)."""
from __future__ import annotations

import asyncio
import io
import json
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "helpers"))
from flet_harness import start  # noqa: E402
import flet as ft  # noqa: E402
from flet.messaging.protocol import MessageAction  # noqa: E402

from planner import speech  # noqa: E402
from planner.core.model import Status  # noqa: E402
from planner.demo import import_demo  # noqa: E402
from planner.library import load_library  # noqa: E402
from planner.services import audio, household, plans, practice  # noqa: E402
from planner.services.errors import ServiceError  # noqa: E402
from planner.storage.store import Store  # noqa: E402
from planner.views import kid as kid_module  # noqa: E402
from planner.views import kid_widgets  # noqa: E402
from planner.views.app import Shell  # noqa: E402
from planner.views.kid_plan import rep_dots  # noqa: E402
from planner.views.state import AppState  # noqa: E402

TODAY = date(2026, 11, 27)          # Friday
PFX = "sam-demo.20261127"
MORNING = datetime(2026, 11, 27, 8, 0)
END = {"v": {"x": 0, "y": 0}}         # what the client sends when a long press ends


@pytest.fixture
def data(tmp_path) -> Path:
    folder = tmp_path / "data"
    import_demo(Store(folder), TODAY)
    return folder


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    monkeypatch.setattr(kid_module, "CELEBRATE_SECONDS", 0.05)
    monkeypatch.setattr(kid_module, "HOLD_SECONDS", 0.05)
    monkeypatch.setattr(kid_module, "LOAD_WAIT", 0.01)
    monkeypatch.setattr(kid_widgets, "TICK", 0.002)


class Clock:
    def __init__(self, when: datetime):
        self.when = when

    def __call__(self) -> datetime:
        return self.when


def run(coro):
    return asyncio.run(coro)


async def open_app(folder: Path, clock: Clock, *, kid: bool = True, offer_pin: bool = False):
    holder = {}

    def main(page):
        state = AppState(folder, lambda: clock().date(), now=clock)
        if not offer_pin:
            state.set_pin_offered()
        holder["shell"] = Shell(page, state)
    app = await start(main)
    app.shell = holder["shell"]
    if kid:
        await app.click("kid-mode")
    return app


async def pass_safety(app) -> None:
    if app.has_key("kid-safety-ok"):
        await app.click("kid-safety-ok")


async def did_it(app) -> None:
    await pass_safety(app)
    await app.click("kid-did-it")
    await asyncio.sleep(0.12)
    await app.settle()


def stored(folder: Path, day: date = TODAY) -> dict[str, object]:
    store = Store(folder)
    fam = household.load_family(store)
    return {it.id: it for it in practice.day(store, fam, day).items}


async def until(app, pred, timeout: float = 5.0) -> None:
    """Let the app work (a voice is made off the event loop) until `pred()` holds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not pred():
        assert loop.time() < end, "timed out"
        await asyncio.sleep(0.02)
        await app.settle()


def voice_bytes(src: str) -> bytes:
    import base64
    head, _, body = src.partition(",")
    assert head == "data:audio/wav;base64"
    return base64.b64decode(body)


def invoked(app, name: str) -> list:
    return [b for a, b in app.conn.sent if a == MessageAction.INVOKE_METHOD and b.name == name]


# ------------------------------------------------------------------ time-aware Now
def test_now_is_the_next_item_of_the_current_or_an_earlier_slot(data):
    async def go():
        clock = Clock(MORNING)
        app = await open_app(data, clock)
        assert app.by_key("kid-now-title").value == "Push the wall"
        assert app.by_key("kid-next-title").value == load_library()["zipping-coat"].kid_title
        # afternoon x3, before homework, bedtime: they wait
        assert app.by_key("kid-later-count").value == "Later today: 5"
        await did_it(app)
        await did_it(app)
        assert app.has_key("kid-done-for-now") and not app.has_key("kid-did-it")
        assert not app.has_key("kid-all-done")
        assert app.by_key("kid-later-count").value == "Later today: 5"
        clock.when = datetime(2026, 11, 27, 16, 50)            # afternoon and before homework are open
        app.shell.kid_view.refresh()
        await app.settle()
        assert app.by_key("kid-now-title").value == load_library()["heavy-carry"].kid_title
        assert app.by_key("kid-later-count").value == "Later today: 1"     # bedtime breathing waits
        assert app.by_key("kid-later-picture").src == "slots/bedtime.svg"
        for _ in range(4):
            await did_it(app)
        assert app.has_key("kid-done-for-now")
        assert "deep-breathing" not in " ".join(app.keys())
        clock.when = datetime(2026, 11, 27, 19, 45)
        app.shell.kid_view.refresh()
        await app.settle()
        assert app.by_key("kid-now-title").value == load_library()["deep-breathing"].kid_title
        assert not app.has_key("kid-later")
        await did_it(app)
        assert app.has_key("kid-all-done")
        assert all(it.status is Status.DONE for it in stored(data).values())
    run(go())


def test_an_earlier_slot_left_undone_comes_before_the_current_one(data):
    async def go():
        app = await open_app(data, Clock(datetime(2026, 11, 27, 16, 10)))
        assert app.by_key("kid-now-title").value == "Push the wall"            # the morning's
        assert app.by_key("kid-later-count").value == "Later today: 2"
    run(go())


def test_before_the_first_slot_everything_waits(data):
    async def go():
        app = await open_app(data, Clock(datetime(2026, 11, 27, 6, 15)))
        assert app.has_key("kid-done-for-now") and not app.has_key("kid-did-it")
        assert app.by_key("kid-later-count").value == "Later today: 7"
    run(go())


def test_family_slot_times_move_the_now_card(data):
    Store(data)
    household.update_household(Store(data), slot_times={"morning": "09:30"})

    async def go():
        app = await open_app(data, Clock(MORNING))
        assert app.has_key("kid-done-for-now")
    run(go())


# ------------------------------------------------------------------ dose without reading
def test_reps_are_dots_to_tap_and_the_card_fills(data):
    async def go():
        app = await open_app(data, Clock(MORNING))
        dots = [k for k in app.keys() if k.startswith("kid-dot-")]
        assert len(dots) == 20                                   # 10 reps x 2
        assert not app.has_key("kid-timer")
        assert "10 reps" not in app.text()                       # the dose is dots, not words
        fill = app.by_key("kid-reps-fill")
        assert fill.height == 0
        await app.click("kid-dot-7")                             # any dot fills the next one
        first = app.by_key("kid-dot-0")
        assert first.bgcolor == kid_widgets.FILL and app.by_key("kid-dot-1").bgcolor != kid_widgets.FILL
        h1 = app.by_key("kid-reps-fill").height
        assert h1 > 0
        for _ in range(19):
            await app.click("kid-dot-0")
        assert app.by_key("kid-dot-19").bgcolor == kid_widgets.FILL
        assert app.by_key("kid-reps-fill").height > h1 * 15
        await app.click("kid-dot-0")                             # full stays full
        assert app.shell.kid_view.reps[f"{PFX}.wall-pushups.morning"] == 20
        assert invoked(app, "play")                              # the finished card chimes
    run(go())


def test_dots_for_per_side_and_many_reps():
    from planner.core.value import replace
    store_item = _item(reps=10, sets=2)
    assert rep_dots(store_item).total == 20 and rep_dots(store_item).sets == 2
    assert rep_dots(replace(store_item, per_side=True)).per_set == 20
    big = rep_dots(replace(store_item, reps=60, sets=3))
    assert big.total <= 40 and big.reps_per_dot * big.per_set >= 60
    assert rep_dots(replace(store_item, reps=None)) is None


def timer_icon(app) -> str:
    icon = app.by_key("kid-timer-start").content.icon
    return next(name for name in ("PLAY_ARROW_ROUNDED", "PAUSE_ROUNDED", "CHECK_ROUNDED")
                if getattr(ft.Icons, name) == icon)


def _item(**kw):
    from planner.core.model import ScheduledItem
    base = dict(id="x", date=TODAY, slot="morning", key="wall-pushups", title="Wall push-ups",
                kid_title="Push the wall", minutes=2, reps=None, sets=None, goal=None, areas=(),
                setting="home", sensory_diet=False, picture="activities/wall-pushups.svg",
                plan_id="p", plan_version=1)
    base.update(kw)
    return ScheduledItem(**base)


def test_minutes_are_a_picture_timer_that_runs_to_the_end(data):
    async def go():
        app = await open_app(data, Clock(MORNING))
        await did_it(app)                                        # the coat (3 minutes) is Now
        assert app.by_key("kid-now-title").value == load_library()["zipping-coat"].kid_title
        assert not [k for k in app.keys() if k.startswith("kid-dot-")]
        ring = app.by_key("kid-timer-ring")
        assert ring.value == 1.0
        plays = len(invoked(app, "play"))
        assert timer_icon(app) == "PLAY_ARROW_ROUNDED"
        await app.click("kid-timer-start")
        await asyncio.sleep(0.05)
        await app.settle()
        assert 0 < app.by_key("kid-timer-ring").value < 1.0
        assert timer_icon(app) == "PAUSE_ROUNDED"
        await asyncio.sleep(1.0)
        await app.settle()
        timer = app.shell.kid_view.timer
        assert timer.finished and app.by_key("kid-timer-ring").value == 0
        assert timer_icon(app) == "CHECK_ROUNDED"
        assert len(invoked(app, "play")) > plays                 # the end chimes
    run(go())


# ------------------------------------------------------------------ stars and the celebration
def test_star_pictures_toward_the_reward_picture(data):
    fam = household.load_family(Store(data))
    household.set_reward(Store(data), fam, "a trip to the park", 3, TODAY)

    async def go():
        app = await open_app(data, Clock(MORNING))
        row = app.by_key("kid-star-row")
        srcs = [c.src for c in row.controls]
        assert srcs == ["kid/star-empty.svg"] * 3
        reward = [c for c in app.walk(app.by_key("kid-reward")) if c.__class__.__name__ == "Image"][0]
        assert reward.src == "kid/reward-park.svg"
        await did_it(app)
        assert [c.src for c in app.by_key("kid-star-row").controls] == \
            ["kid/star.svg"] + ["kid/star-empty.svg"] * 2
        assert app.by_key("kid-stars").value == "1 of 3 stars · a trip to the park"
    run(go())


def test_stars_without_a_reward(data):
    async def go():
        app = await open_app(data, Clock(MORNING))
        assert [c.src for c in app.by_key("kid-star-row").controls] == ["kid/star-empty.svg"]
        assert not app.has_key("kid-reward")
        await did_it(app)
        assert [c.src for c in app.by_key("kid-star-row").controls] == ["kid/star.svg"]
    run(go())


def test_celebration_grows_in_with_a_sound_under_two_seconds(data, monkeypatch):
    assert kid_module.CELEBRATE_SECONDS < 2.0
    monkeypatch.setattr(kid_module, "CELEBRATE_SECONDS", 0.3)

    async def go():
        app = await open_app(data, Clock(MORNING))
        await pass_safety(app)
        before = len(invoked(app, "play"))
        await app.click("kid-did-it")
        assert app.has_key("kid-celebrate") and not app.has_key("kid-did-it")
        star = app.shell.kid_view.celebration.star
        assert star.scale == 0.3 and star.animate_scale.duration <= 1000
        await asyncio.sleep(0.1)
        await app.settle()
        assert star.scale == 1.0                                  # one movement, no blinking
        assert len(invoked(app, "play")) == before + 1
        await asyncio.sleep(0.35)
        await app.settle()
        assert not app.has_key("kid-celebrate") and app.has_key("kid-now")
    run(go())


def test_the_sound_can_be_turned_off(data):
    async def go():
        app = await open_app(data, Clock(MORNING))
        await gate_by_corners(app)
        await app.set_value("kid-sound", False)
        await app.click("kid-back")
        before = len(invoked(app, "play"))
        await did_it(app)
        assert len(invoked(app, "play")) == before
        assert app.shell.state.kid_sound() is False
    run(go())


# ------------------------------------------------------------------ voice
@pytest.mark.skipif(not speech.available(), reason="espeak-ng is not installed")
def test_speaker_plays_a_voice_made_on_the_device(data):
    async def go():
        app = await open_app(data, Clock(MORNING))
        await app.click("kid-speak")
        player = app.shell.kid_view.voice_player
        await until(app, lambda: invoked(app, "play"))
        wav = voice_bytes(player.src)
        assert wav[:4] == b"RIFF" and speech.wav_seconds(wav) > 1.0
        assert invoked(app, "play")
        # the player reports playing: the button says so to a screen reader
        await app.fire(player, "state_change", {"state": "playing"})
        assert app.shell.kid_view.speak_button.label == "Playing"
        assert app.shell.kid_view.speak_icon.icon == ft.Icons.GRAPHIC_EQ_ROUNDED
        await app.fire(player, "state_change", {"state": "completed"})
        assert app.shell.kid_view.speak_button.label == "Listen"
    run(go())


def test_the_voice_stops_when_the_card_changes_and_late_reports_do_no_harm(data):
    rec = speech.pcm16_wav(b"\x01\x00" * 16000, 16000)
    audio.save_recording(Store(data), "sam", "wall-pushups", rec)

    async def go():
        app = await open_app(data, Clock(MORNING))
        player = app.shell.kid_view.voice_player
        await app.click("kid-speak")
        await until(app, lambda: invoked(app, "play"))
        await app.fire(player, "state_change", {"state": "playing"})
        pauses = len(invoked(app, "pause"))
        await pass_safety(app)
        await app.click("kid-did-it")                 # the celebration replaces the card
        assert len(invoked(app, "pause")) == pauses + 1
        await app.fire(player, "state_change", {"state": "paused"})     # no crash: the old button is gone
        await asyncio.sleep(0.12)
        await app.settle()
        assert app.by_key("kid-now-title").value == load_library()["zipping-coat"].kid_title
        assert app.shell.kid_view.speak_button.label == "Listen"
    run(go())


def test_a_parents_recording_is_used_first(data, monkeypatch):
    rec = speech.pcm16_wav(b"\x01\x00" * 16000, 16000)             # one second
    audio.save_recording(Store(data), "sam", "wall-pushups", rec)

    async def go():
        app = await open_app(data, Clock(MORNING))
        await app.click("kid-speak")
        await until(app, lambda: invoked(app, "play"))
        assert voice_bytes(app.shell.kid_view.voice_player.src) == rec
    run(go())


def test_no_speaker_without_a_recording_or_a_voice_on_the_device(data, monkeypatch):
    monkeypatch.setattr(speech, "engine", lambda: None)
    speech.synthesize.cache_clear()

    async def go():
        app = await open_app(data, Clock(MORNING))
        assert not app.has_key("kid-speak") and app.has_key("kid-now-title")
        assert app.shell.state.kid_voice(app.shell.kid_view.now_item) is None
    run(go())
    speech.synthesize.cache_clear()


def test_recordings_live_in_the_data_folder_and_in_backups(data):
    store = Store(data)
    rec = speech.pcm16_wav(b"\x00\x10" * 8000, 16000)
    name = audio.save_recording(store, "sam", "zipping-coat", rec)
    assert name == "sam--zipping-coat.wav" and (data / "audio" / name).read_bytes() == rec
    assert audio.recorded(store, "sam") == {"zipping-coat"}
    state = AppState(data, lambda: TODAY, now=lambda: MORNING)
    _, backup = state.backup()
    with zipfile.ZipFile(io.BytesIO(backup)) as z:
        assert any(n.endswith("audio/sam--zipping-coat.wav") for n in z.namelist())
    with pytest.raises(ServiceError, match="not a WAV"):
        audio.save_recording(store, "sam", "zipping-coat", b"not a wav file at all")
    with pytest.raises(ServiceError, match="too short"):
        audio.save_recording(store, "sam", "zipping-coat", speech.pcm16_wav(b"\x00\x00" * 100, 16000))
    with pytest.raises(ServiceError):
        audio.save_recording(store, "sam", "../escape", rec)
    with pytest.raises(ServiceError):
        audio.save_recording(store, "sam--x", "zipping-coat", rec)
    assert (data / "audio" / name).read_bytes() == rec           # refused writes change nothing
    audio.remove_recording(store, "sam", "zipping-coat")
    assert audio.recording(store, "sam", "zipping-coat") is None


def test_a_parent_records_a_card_in_the_grown_up_tools(data):
    async def go():
        app = await open_app(data, Clock(MORNING))
        await gate_by_corners(app)
        assert app.by_key("kid-record-card").value == "wall-pushups"
        await app.click("kid-record")
        recorder = app.shell.kid_view.recorder
        assert invoked(app, "start_recording")
        pcm = b"\x20\x03" * 8000
        for n in range(3):                                        # 1.5 s streamed in chunks
            await app.fire(recorder, "stream", {"chunk": pcm, "sequence": n, "bytes_streamed": len(pcm) * (n + 1)})
        await app.click("kid-record")                              # stop and save
        await asyncio.sleep(0.3)
        await app.settle()
        saved = (data / "audio" / "sam--wall-pushups.wav").read_bytes()
        assert abs(speech.wav_seconds(saved) - 1.5) < 0.01
        assert "Your recording is used" in app.by_key("kid-record-status").value
        await app.click("kid-record-delete")
        assert not (data / "audio" / "sam--wall-pushups.wav").exists()
    run(go())


# ------------------------------------------------------------------ the gate
async def hold(app, corner: str, seconds: float) -> None:
    await app.fire(app.by_key(f"kid-gate-{corner}"), "long_press_start", {})
    await asyncio.sleep(seconds)
    await app.settle()
    await app.fire(app.by_key(f"kid-gate-{corner}"), "long_press_end", END)


async def gate_by_corners(app, first="a", second="b"):
    await hold(app, first, kid_module.HOLD_SECONDS + 0.05)
    await hold(app, second, kid_module.HOLD_SECONDS + 0.05)


def test_first_entry_without_a_pin_asks_for_one_and_can_be_skipped(data):
    async def go():
        app = await open_app(data, Clock(MORNING), offer_pin=True)
        assert app.has_key("kid-pin-dialog")
        await app.click("kid-pin-skip")
        assert not app.has_key("kid-pin-dialog") and not household.has_pin(Store(data))
        await gate_by_corners(app)
        await app.click("kid-leave")
        await app.click("kid-mode")                                # asked once only
        assert not app.has_key("kid-pin-dialog") and app.has_key("kid-view")
    run(go())


def test_first_entry_sets_a_pin_typed_twice(data):
    async def go():
        app = await open_app(data, Clock(MORNING), offer_pin=True)
        await app.set_value("kid-pin-new", "2468")
        await app.set_value("kid-pin-again", "2469")
        await app.click("kid-pin-save")
        assert app.by_key("kid-pin-again").error and not household.has_pin(Store(data))
        assert [b for b in invoked(app, "focus")]                 # the field keeps focus
        await app.set_value("kid-pin-again", "2468")
        await app.click("kid-pin-save")
        assert household.has_pin(Store(data))
        assert app.has_key("kid-gate") and not app.has_key("kid-gate-a")     # the PIN is the way out
    run(go())


def test_corners_must_both_be_held_in_turn_and_nothing_shows_where(data, monkeypatch):
    monkeypatch.setattr(kid_module, "HOLD_SECONDS", 0.3)

    async def go():
        app = await open_app(data, Clock(MORNING))
        corner = app.by_key("kid-gate-a")
        assert str(corner.content.bgcolor).lower().endswith("transparent") and corner.content.content is None
        assert not app.all(lambda c: c.__class__.__name__ == "ProgressRing")      # no ring, no hint
        await hold(app, "a", 0.4)                      # one corner alone does nothing
        await hold(app, "a", 0.4)                      # nor the same corner twice
        assert not app.has_key("kid-grown-up")
        await hold(app, "b", 0.05)                     # let go too early on the other corner
        await asyncio.sleep(0.35)
        await app.settle()
        assert not app.has_key("kid-grown-up")
        await hold(app, "b", 0.4)                      # held long enough, in turn after "a"
        assert app.has_key("kid-grown-up")
        await app.click("kid-leave")
        assert not app.has_key("kid-view") and app.has_key("today-view")
        assert Store(data).household().kid_mode is False
    run(go())


def test_the_second_corner_must_come_soon_after_the_first(data, monkeypatch):
    monkeypatch.setattr(kid_module, "CORNER_WINDOW", 0.25)

    async def go():
        app = await open_app(data, Clock(MORNING))
        await hold(app, "b", kid_module.HOLD_SECONDS + 0.05)
        await asyncio.sleep(0.6)
        await hold(app, "a", kid_module.HOLD_SECONDS + 0.05)
        assert not app.has_key("kid-grown-up")
        await hold(app, "b", kid_module.HOLD_SECONDS + 0.05)          # now in turn, in time
        assert app.has_key("kid-grown-up")
    run(go())


def test_pin_gate_shows_the_wait_message_and_keeps_focus(data):
    household.set_pin(Store(data), "2468")

    async def go():
        app = await open_app(data, Clock(MORNING))
        assert not app.has_key("kid-gate-a")                       # with a PIN, no corners
        await app.click("kid-gate")
        focus_before = len(invoked(app, "focus"))
        await app.set_value("gate-pin", "1111")
        await app.click("gate-unlock")
        field = app.by_key("gate-pin")
        assert field.error == "Wrong PIN" and field.value == ""
        assert len(invoked(app, "focus")) > focus_before           # the field keeps focus
        for _ in range(household.PIN_TRIES):
            await app.set_value("gate-pin", "1111")
            await app.click("gate-unlock")
        locked = household.check_pin(Store(data), "2468", MORNING)   # locked now: not counted
        assert locked.wait_seconds > 0
        assert app.by_key("gate-pin").error == locked.message()
        assert app.has_key("kid-view") and not app.has_key("kid-grown-up")
    run(go())


def test_right_pin_opens_the_grown_up_tools(data):
    household.set_pin(Store(data), "2468")

    async def go():
        app = await open_app(data, Clock(MORNING))
        await app.click("kid-gate")
        await app.set_value("gate-pin", "2468")
        await app.click("gate-unlock")
        assert app.has_key("kid-grown-up")
        await app.click("kid-back")
        assert app.has_key("kid-view")
    run(go())


# ------------------------------------------------------------------ plan format 2
def v2_plan() -> bytes:
    doc = {
        "format": "ot-home-plan/2", "plan_id": "maya-v2", "version": 1,
        "child": {"name": "Maya", "birth_date": "2020-06-14"},
        "start": "2026-11-23", "end": "2027-02-28",
        "daily_minutes": {"weekday": 30, "weekend": 40}, "rest_days": ["sun"],
        "goals": [{"id": "calm", "text": "Settles after school with a movement break"}],
        "activities": [
            {"choice": {"id": "heavy-work", "title": "Heavy work", "kid_title": "Push or carry",
                        "options": ["wall-pushups", "heavy-carry"]},
             "days": ["mon", "tue", "wed", "thu", "fri"], "times_per_day": 2,
             "when": ["morning", "evening"], "goal": "calm", "minutes": 3},
            {"activity": "calm-down-corner", "as_needed": True, "goal": "calm"},
        ],
    }
    return json.dumps(doc).encode()


@pytest.fixture
def v2data(tmp_path) -> Path:
    folder = tmp_path / "v2"
    store = Store(folder)
    plans.import_plan(store, plans.parse_plan(v2_plan(), "plan.json"), TODAY)
    return folder


def test_a_choice_is_pictures_to_tap_and_the_pick_is_recorded(v2data):
    async def go():
        app = await open_app(v2data, Clock(MORNING))
        assert app.by_key("kid-now-title").value == "Push or carry"
        assert app.has_key("kid-option-wall-pushups") and app.has_key("kid-option-heavy-carry")
        assert not app.has_key("kid-did-it") and not app.has_key("kid-timer")     # pick first
        await app.click("kid-option-heavy-carry")
        assert app.has_key("kid-timer")                           # 3 minutes: the picture timer
        assert not app.has_key("kid-options")
        assert app.by_key("kid-now-title").value == load_library()["heavy-carry"].kid_title
        await did_it(app)
        done = [it for it in stored(v2data).values() if it.status is Status.DONE]
        assert [(it.key, it.option) for it in done] == [("heavy-work", "heavy-carry")]
    run(go())


def test_as_needed_items_never_appear_in_kid_mode(v2data):
    async def go():
        app = await open_app(v2data, Clock(datetime(2026, 11, 27, 20, 0)))
        text = app.text()
        lib = load_library()["calm-down-corner"]
        assert lib.kid_title not in text and "calm-down-corner" not in " ".join(app.keys())
        assert app.by_key("kid-now-title").value == "Push or carry"
    run(go())


def test_safety_first_on_the_first_use_each_day_for_a_grown_up(data):
    safety = load_library()["wall-pushups"].safety
    assert safety

    async def go():
        clock = Clock(datetime(2026, 11, 27, 17, 0))
        app = await open_app(data, clock)
        assert app.by_key("kid-now-title").value == "Push the wall"
        assert app.by_key("kid-safety-text").value == safety and not app.has_key("kid-did-it")
        await app.click("kid-safety-ok")
        assert app.has_key("kid-did-it") and not app.has_key("kid-safety")
        await app.click("kid-did-it")
        await asyncio.sleep(0.12)
        await app.settle()
        # the coat has no safety text; the afternoon items follow; the second push-ups of the
        # day (before homework) come without the safety card
        while app.by_key("kid-now-title").value != "Push the wall" or not app.has_key("kid-did-it"):
            assert not app.has_key("kid-safety") or app.by_key("kid-now-title").value != "Push the wall"
            await did_it(app)
        assert not app.has_key("kid-safety")
    run(go())


def test_safety_is_asked_again_the_next_day(data):
    async def go():
        clock = Clock(MORNING)
        app = await open_app(data, clock)
        await did_it(app)
        clock.when = datetime(2026, 11, 28, 8, 0)                  # Saturday morning
        app.shell.kid_view.refresh()
        await app.settle()
        assert app.by_key("kid-now-title").value == "Push the wall"
        assert app.has_key("kid-safety") and not app.has_key("kid-did-it")
    run(go())


def test_kid_screens_need_no_reading_for_the_dose(data):
    async def go():
        app = await open_app(data, Clock(MORNING))
        words = app.text()
        assert "reps" not in words and "min" not in words.split()
    run(go())


def test_a_slot_that_opens_while_the_view_is_on_screen_joins_now(data, monkeypatch):
    monkeypatch.setattr(kid_module, "CLOCK_CHECK_SECONDS", 0.02)

    async def go():
        clock = Clock(datetime(2026, 11, 27, 7, 0))
        app = await open_app(data, clock)
        assert app.has_key("kid-done-for-now")
        clock.when = datetime(2026, 11, 27, 7, 31)
        await asyncio.sleep(0.1)
        await app.settle()
        assert app.by_key("kid-now-title").value == "Push the wall"
    run(go())


def test_a_tick_on_another_device_moves_now_but_never_stops_a_running_timer(data):
    async def go():
        app = await open_app(data, Clock(MORNING))
        store = Store(data)
        fam = household.load_family(store)
        first = stored(data)[f"{PFX}.wall-pushups.morning"]
        practice.record(store, fam, first, TODAY, Status.DONE, now=MORNING)       # the parent's phone
        app.shell.state.reload()
        app.shell.kid_view.on_live_update()
        await app.settle()
        assert app.by_key("kid-now-title").value == load_library()["zipping-coat"].kid_title
        await app.click("kid-timer-start")
        coat = stored(data)[f"{PFX}.zipping-coat.morning"]
        practice.record(store, fam, coat, TODAY, Status.DONE, now=MORNING)
        app.shell.state.reload()
        app.shell.kid_view.on_live_update()
        await app.settle()
        assert app.by_key("kid-now-title").value == load_library()["zipping-coat"].kid_title
        assert app.shell.kid_view.timer.running
    run(go())


def test_the_familys_photo_of_the_reward_replaces_ours(data):
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "#E53935").save(buf, "PNG")
    fam = household.load_family(Store(data))
    household.set_reward(Store(data), fam, "a new book", 4, TODAY)

    async def go():
        app = await open_app(data, Clock(MORNING))
        reward_image = lambda: [c for c in app.walk(app.by_key("kid-reward"))        # noqa: E731
                                if c.__class__.__name__ == "Image"][0].src
        assert reward_image() == "kid/reward-book.svg"
        await gate_by_corners(app)
        app.conn.picked_files = [{"name": "book.png", "bytes": buf.getvalue()}]
        await app.click("kid-reward-photo")
        assert "saved" in app.by_key("kid-record-status").value
        await app.click("kid-back")
        assert isinstance(reward_image(), bytes) and reward_image()[:3] == b"\xff\xd8\xff"    # kept as JPEG
        await gate_by_corners(app)
        await app.click("kid-reward-photo-reset")
        await app.click("kid-back")
        assert reward_image() == "kid/reward-book.svg"
    run(go())


def test_safety_of_a_choice_follows_the_option_picked():
    from planner.core.value import replace
    from planner.views.kid_plan import safety_due
    choice = _item(key="heavy-work", options=("wall-pushups", "heavy-carry"))
    done_carry = replace(choice, id="y", status=Status.DONE, option="heavy-carry")
    assert safety_due(choice, "Lift with bent knees", [choice], set(), "heavy-carry")
    assert not safety_due(choice, "Lift with bent knees", [choice, done_carry], set(), "heavy-carry")
    assert safety_due(choice, "Solid wall", [choice, done_carry], set(), "wall-pushups")
    assert not safety_due(choice, "Solid wall", [choice], {(TODAY.isoformat(), "wall-pushups")}, "wall-pushups")
    assert not safety_due(choice, "", [choice], set(), "wall-pushups")


def test_speech_helpers():
    text = speech.spoken_text("Push the wall!", ["Stand tall", "Push  ten times."] + ["More words here"] * 40)
    assert text.startswith("Push the wall. Stand tall. Push ten times.") and len(text) <= speech.MAX_CHARS
    assert text.endswith(".")
    pcm = b"".join(i.to_bytes(2, "little", signed=True) for i in range(-200, 200)) * 10
    wav = speech.pcm16_wav(pcm, 22050)
    broken = wav[:4] + b"\xff\xff\xff\x7f" + wav[8:40] + b"\xff\xff\xff\x7f" + wav[44:]
    assert speech.fix_wav_sizes(broken) == wav                       # espeak-ng's placeholder sizes
    half = speech.halve_rate(wav)
    assert abs(speech.wav_seconds(half) - speech.wav_seconds(wav)) < 0.01 and len(half) < len(wav) * 0.6
    chime = speech.chime_wav()
    assert 0.5 < speech.wav_seconds(chime) < 2.0
    assert (Path(__file__).parent.parent / "assets" / "kid" / "chime.wav").read_bytes() == chime


def test_no_speech_program_means_no_generated_voice(monkeypatch):
    monkeypatch.setattr(speech, "engine", lambda: None)
    speech.synthesize.cache_clear()
    assert speech.synthesize("Push the wall.") is None and not speech.available()
    speech.synthesize.cache_clear()
