"""Kid mode for a child who cannot read: big picture cards (Now by the clock, Next, Later today),
a voice for each card, dots to tap per rep, a picture timer, stars toward the reward's picture,
"I did it!" and a short celebration. No editing. A grown-up gate to leave: the PIN, or without
one a hold on two opposite corners in turn (nothing on screen shows where)."""
from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import TYPE_CHECKING

import flet as ft

from planner.core.model import ScheduledItem, Status
from planner.library import load_library
from planner.views import kid_plan, rows, widgets
from planner.views.kid_widgets import Celebration, KidTimer, RepCounter, kid_picture, star_row, tap_target
from planner.views.navigator import quietly

import flet_audio as fta               # Flet's audio controls (dependencies of the package)
import flet_audio_recorder as ftr

if TYPE_CHECKING:
    from planner.views.navigator import Navigator
    from planner.views.state import AppState

HOLD_SECONDS = 1.5            # each corner of the gate is held this long
CORNER_WINDOW = 6.0           # the second corner within this many seconds of the first
CORNER = 72                   # the corners' size (px); transparent
CELEBRATE_SECONDS = 1.6       # under 2 s
RECORD_RATE = 16000
LOAD_WAIT = 3.0               # seconds to let the browser load a new voice before playing it
CLOCK_CHECK_SECONDS = 30.0    # how often the open view looks whether a new slot has opened
PIN_GATE_LABEL = "Grown-ups: enter the PIN to leave kid mode"
CORNER_LABEL = "Grown-ups: hold this corner, then the opposite one, to leave kid mode"
KID_BG = "#FFF8E7"
REWARD_PHOTO = "reward"       # the family's photo of the reward is kept like an activity's photo


def _update_if_shown(control: ft.Control) -> None:
    """Update a control that may have left the screen meanwhile (a card replaced by the next)."""
    try:
        if control.page:
            control.update()
    except RuntimeError:
        pass


def audio_url(data: bytes, kind: str = "wav") -> str:
    """A recording as a data URL: the browser's own audio element plays it as a file."""
    import base64
    mime = {"wav": "audio/wav", "webm": "audio/webm"}.get(kind, "audio/wav")
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


class KidPlayers:
    """Kid mode's audio: a card's voice, the chime and the recorder. In Flet 1.0.5's web client an
    audio player made without a source never plays a source given later, so the voice player
    starts with a short silence (assets/kid/silence.wav). The app may keep one KidPlayers for the
    page (`Navigator.kid_players`); otherwise each KidView makes its own."""

    def __init__(self):
        self._loaded = asyncio.Event()
        self._src: str | None = None
        self.on_state = None
        self.voice = fta.Audio(src=kid_picture("silence.wav"), on_state_change=self._state,
                               on_loaded=self._on_loaded)
        self.sound = fta.Audio(src=kid_picture("chime.wav"), volume=0.6)
        self.chunks: list[bytes] = []
        self.recorder = ftr.AudioRecorder(
            configuration=ftr.AudioRecorderConfiguration(encoder=ftr.AudioEncoder.PCM16BITS, channels=1,
                                                         sample_rate=RECORD_RATE),
            on_stream=self._chunk)

    def _chunk(self, e) -> None:
        chunk = getattr(e, "chunk", None)
        if chunk:
            self.chunks.append(bytes(chunk))

    def _on_loaded(self, e) -> None:
        self._loaded.set()

    def _state(self, e) -> None:
        if self.on_state:
            self.on_state(e)

    async def say(self, src: str) -> None:
        """Play `src` (a data URL) on the voice player; a new source is loaded first (playing
        while the browser still loads it does nothing)."""
        if self.voice is None:
            return
        if src != self._src:
            self._loaded.clear()
            self._src = src
            self.voice.src = src
            self.voice.update()
            try:
                await asyncio.wait_for(self._loaded.wait(), LOAD_WAIT)
            except asyncio.TimeoutError:
                pass
        await self.voice.play()


class KidView:
    def __init__(self, state: "AppState", nav: "Navigator"):
        self.state = state
        self.nav = nav
        self.timer: KidTimer | None = None
        self.reps: dict[str, int] = {}            # item id -> reps tapped
        self.chosen: dict[str, str] = {}          # item id -> option picked
        self.celebrating = False
        self.celebration: Celebration | None = None
        self._corner_done: dict[str, float] = {}  # corner -> when its hold completed
        self._corner_hold: dict[str, int] = {}
        self._hold_seq = 0
        self.now_item: ScheduledItem | None = None
        self.playing = False
        self.speak_button: ft.Semantics | None = None
        self.players = nav.kid_players or KidPlayers()
        self.players.on_state = self._voice_state
        self.voice_player = self.players.voice
        self.sound_player = self.players.sound
        self.recorder = self.players.recorder
        self._recording = False
        self.body = ft.Container(expand=True, padding=ft.Padding.symmetric(horizontal=16, vertical=12))
        self.control = ft.Container(expand=True, bgcolor=KID_BG, key="kid-view")
        self.control.content = ft.Stack([self.body], expand=True)
        self._open_ids: tuple[str, ...] = ()
        if not self.state.has_pin() and not self.state.pin_offered():
            self.state.set_pin_offered()
            self.nav.run_task(self._offer_pin)
        self.nav.run_task(self._watch_clock)

    def _busy(self) -> bool:
        return self.celebrating or bool(self.timer and self.timer.running)

    def on_live_update(self) -> None:
        """Another device changed the data: show it, unless a timer runs or a celebration plays
        (the tapped dots and a picked option stay)."""
        if not self._busy():
            self.refresh()

    async def _watch_clock(self) -> None:
        """A slot opens while the view is on screen: its items join Now without a tap."""
        while True:
            await asyncio.sleep(CLOCK_CHECK_SECONDS)
            if not self.nav.showing(self):
                return
            queue = quietly(self.state.kid_queue, None)
            if queue is None:
                continue
            ids = tuple(i.id for i in queue.open)
            if ids != self._open_ids and not self._busy():
                self.refresh()
                self._update()

    @property
    def safety_read(self) -> set[tuple[str, str]]:
        if not hasattr(self.state, "_kid_safety_read"):
            self.state._kid_safety_read = set()
        return self.state._kid_safety_read

    # ------------------------------------------------------------ building
    def refresh(self) -> None:
        st = self.state
        if self.timer:
            self.timer.stop()
            self.timer = None
        reward = st.reward()
        queue = st.kid_queue()
        self._open_ids = tuple(i.id for i in queue.open)
        body: list[ft.Control] = [self._top(reward)]
        self.speak_button = None
        self.now_item = queue.now
        if self.celebrating and self.celebration:
            body.append(self.celebration.control())
        elif queue.now is None:
            body.append(self._all_done(reward, bool(queue.later)))
        else:
            body.append(self._now_card(queue.now))
            body.append(self._action(queue.now, queue))
            if queue.next:
                body.append(self._next_card(queue.next))
        if queue.later and not self.celebrating:
            body.append(self._later_card(len(queue.later), queue.later[0].slot))
        self.body.content = ft.Column(body, spacing=14, expand=True, scroll=ft.ScrollMode.AUTO,
                                      horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        layers: list[ft.Control] = [self.body]
        if not st.has_pin():
            layers += [self._corner("a", left=0, top=0), self._corner("b", right=0, bottom=0)]
        self.control.content = ft.Stack(layers, expand=True)

    def _top(self, reward) -> ft.Control:
        row = kid_plan.star_row(reward.stars, reward.goal, reward.name)
        src = None
        if row.reward_picture:
            src = self.state.picture(REWARD_PHOTO, row.reward_picture)
        parts: list[ft.Control] = [ft.Container(ft.Column([
            star_row(row, src),
            ft.Text(self._stars_text(reward), size=12, color="#8D6E63", key="kid-stars"),
        ], spacing=2, tight=True), expand=True, padding=ft.Padding.only(left=8))]
        if self.state.has_pin():
            parts.append(widgets.icon_button(ft.Icons.LOCK_OUTLINE, PIN_GATE_LABEL, "kid-gate",
                                             on_click=lambda e: self.ask_pin(), icon_size=26))
        return ft.Row(parts, vertical_alignment=ft.CrossAxisAlignment.START)

    @staticmethod
    def _stars_text(reward) -> str:
        """A small caption for the grown-up (the child has the pictures)."""
        if reward.name:
            return f"{reward.stars} of {reward.goal} stars · {reward.name}"
        return f"{reward.stars} star" + ("" if reward.stars == 1 else "s")

    def _steps(self, item: ScheduledItem) -> tuple[str, ...]:
        picked = load_library().get(self.chosen.get(item.id) or "")
        return tuple(picked.steps) if picked else rows.details(item, self.state.plan).steps

    def _safety(self, item: ScheduledItem) -> str:
        picked = load_library().get(self.chosen.get(item.id) or "")
        if picked:
            return picked.safety or ""
        return rows.details(item, self.state.plan).safety

    def _now_card(self, item: ScheduledItem) -> ft.Control:
        color = rows.area_color(item.areas[0] if item.areas else None)
        picked = self.chosen.get(item.id)
        lib = load_library()
        shown = lib.get(picked) if picked else None
        title = shown.kid_title if shown else item.kid_title
        pic = self.state.picture(picked, shown.picture) if shown else self.state.picture(item.key, item.picture)
        small = bool(kid_plan.rep_dots(item) or kid_plan.timer_seconds(item) or (item.options and not picked))
        size = 150 if small else 220
        words = ft.Text(title, size=28 if small else 34, weight=ft.FontWeight.BOLD, key="kid-now-title",
                        text_align=ft.TextAlign.CENTER)
        parts: list[ft.Control] = [
            ft.Row([widgets.picture(pic, size, title, radius=28),
                    ft.Container(self._speak_button(item), alignment=ft.Alignment.CENTER, expand=True)],
                   vertical_alignment=ft.CrossAxisAlignment.CENTER, spacing=12),
            words,
        ] if small else [
            ft.Container(widgets.picture(pic, size, title, radius=28), alignment=ft.Alignment.CENTER),
            ft.Row([ft.Container(words, expand=True), self._speak_button(item)],
                   vertical_alignment=ft.CrossAxisAlignment.CENTER),
        ]
        if item.options and not picked:
            parts.append(self._options(item))
        waiting = bool(item.options and not picked)        # the dose comes once a picture is picked
        dots = None if waiting else kid_plan.rep_dots(item)
        seconds = 0 if waiting else kid_plan.timer_seconds(item)
        if dots:
            counter = RepCounter(dots, self.reps.get(item.id, 0), lambda n, i=item: self._counted(i, n), color)
            self.counter = counter
            parts.append(counter.control())
        elif seconds:
            self.timer = KidTimer(self.nav.run_task, seconds, on_finish=self._timer_done)
            parts.append(self.timer.control())
        return ft.Container(ft.Column(parts, horizontal_alignment=ft.CrossAxisAlignment.STRETCH, spacing=10),
                            bgcolor="#FFFFFF", border_radius=ft.BorderRadius.all(28), padding=16,
                            key="kid-now", border=ft.Border.all(5, color))

    def _speak_button(self, item: ScheduledItem) -> ft.Control:
        if self.voice_player is None or not self._has_voice(item):
            self.speak_button = None
            return ft.Container(width=0)
        icon = ft.Icon(ft.Icons.GRAPHIC_EQ_ROUNDED if self.playing else ft.Icons.VOLUME_UP_ROUNDED,
                       size=48, color="#FFFFFF")
        box = ft.Container(icon, width=84, height=84, border_radius=ft.BorderRadius.all(42),
                           bgcolor="#FB8C00", alignment=ft.Alignment.CENTER, key="kid-speak",
                           on_click=lambda e, it=item: self.nav.run_task(self.speak, it))
        self.speak_icon = icon
        self.speak_button = ft.Semantics(content=box, label="Playing" if self.playing else "Listen",
                                         button=True, container=True)
        return self.speak_button

    def _has_voice(self, item: ScheduledItem) -> bool:
        from planner import speech
        return self.state.has_voice_recording(item.key) or speech.available()

    def _options(self, item: ScheduledItem) -> ft.Control:
        lib = load_library()
        tiles: list[ft.Control] = []
        for opt in item.options:
            act = lib.get(opt)
            label = act.kid_title if act else opt.replace("-", " ")
            src = self.state.picture(opt, act.picture if act else "custom/sparkle.svg")
            tile = ft.Column([widgets.picture(src, 96, label, radius=18),
                              ft.Text(label, size=14, text_align=ft.TextAlign.CENTER, width=110)],
                             spacing=4, horizontal_alignment=ft.CrossAxisAlignment.CENTER, tight=True)
            tiles.append(tap_target(ft.Container(tile, padding=6, border_radius=ft.BorderRadius.all(20),
                                                 border=ft.Border.all(3, "#FFCC80"), bgcolor="#FFF3E0"),
                                    label, f"kid-option-{opt}",
                                    lambda e, it=item, o=opt: self.choose(it, o)))
        return ft.Column([ft.Row([ft.Icon(ft.Icons.TOUCH_APP_ROUNDED, size=36, color="#FB8C00")],
                                 alignment=ft.MainAxisAlignment.CENTER),
                          ft.Row(tiles, wrap=True, spacing=10, run_spacing=10,
                                 alignment=ft.MainAxisAlignment.CENTER)],
                         spacing=4, key="kid-options")

    def _action(self, item: ScheduledItem, queue) -> ft.Control:
        """The safety card (first use today, for a grown-up to read), the option to pick first, or
        "I did it!"."""
        safety = self._safety(item)
        items_today = queue.open + queue.later + queue.done_today
        if kid_plan.safety_due(item, safety, items_today, self.safety_read, self.chosen.get(item.id)):
            return ft.Container(ft.Column([
                ft.Row([ft.Image(src=kid_picture("safety.svg"), width=84, height=84,
                                 semantics_label="Grown-up first"),
                        ft.Text("Grown-up, read this first", size=18, weight=ft.FontWeight.BOLD, expand=True)],
                       spacing=12),
                ft.Text(safety, size=16, key="kid-safety-text"),
                ft.FilledButton(content=ft.Row([ft.Icon(ft.Icons.CHECK_ROUNDED, size=30),
                                                ft.Text("We read it", size=20, weight=ft.FontWeight.BOLD)],
                                               alignment=ft.MainAxisAlignment.CENTER, tight=True),
                                height=64, key="kid-safety-ok",
                                style=ft.ButtonStyle(bgcolor="#F57F17", color="#FFFFFF",
                                                     shape=ft.RoundedRectangleBorder(radius=24)),
                                on_click=lambda e, it=item: self.safety_ok(it)),
            ], spacing=10, horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
                bgcolor="#FFF3C4", border_radius=ft.BorderRadius.all(24), padding=16, key="kid-safety",
                border=ft.Border.all(3, "#F9A825"))
        if item.options and item.id not in self.chosen:
            return ft.Container(height=0)
        return ft.FilledButton(
            content=ft.Row([ft.Icon(ft.Icons.THUMB_UP_ALT_ROUNDED, size=40),
                            ft.Text("I did it!", size=30, weight=ft.FontWeight.BOLD)],
                           alignment=ft.MainAxisAlignment.CENTER, tight=True, spacing=12),
            key="kid-did-it", height=92,
            style=ft.ButtonStyle(bgcolor="#2E7D32", color="#FFFFFF", shape=ft.RoundedRectangleBorder(radius=30)),
            on_click=lambda e, it=item: self.did_it(it))

    def _next_card(self, item: ScheduledItem) -> ft.Control:
        return ft.Container(ft.Row([
            widgets.picture(self.state.picture(item.key, item.picture), 72, item.kid_title),
            ft.Icon(ft.Icons.ARROW_BACK_ROUNDED, size=32, color="#BCAAA4"),
            ft.Column([ft.Text("Next", size=13, color="#8D6E63"),
                       ft.Text(item.kid_title, size=20, weight=ft.FontWeight.W_600, key="kid-next-title")],
                      spacing=0, tight=True, expand=True),
        ], spacing=10), bgcolor="#FFFFFF", border_radius=ft.BorderRadius.all(20), padding=10, key="kid-next",
            opacity=0.85)

    def _later_card(self, count: int, slot: str) -> ft.Control:
        """The waiting items as dots beside the next slot's picture (bedtime, afternoon...)."""
        from planner.library import ASSETS_DIR
        pic = f"slots/{slot}.svg" if (Path(ASSETS_DIR) / "slots" / f"{slot}.svg").is_file() \
            else kid_picture("later.svg")
        dots = [ft.Container(width=22, height=22, border_radius=ft.BorderRadius.all(11), bgcolor="#9FA8DA")
                for _ in range(min(count, 12))]
        return ft.Semantics(content=ft.Container(ft.Row([
            ft.Image(src=pic, width=64, height=64, key="kid-later-picture"),
            ft.Column([ft.Row(dots, wrap=True, spacing=6, run_spacing=6),
                       ft.Text(f"Later today: {count}", size=13, color="#5C6BC0", key="kid-later-count")],
                      spacing=4, expand=True, tight=True),
        ], spacing=12), bgcolor="#E8EAF6", border_radius=ft.BorderRadius.all(20), padding=10, key="kid-later"),
            label=f"Later today: {count}", container=True)

    def _all_done(self, reward, waiting: bool) -> ft.Control:
        lines: list[ft.Control] = [ft.Image(src=kid_picture("all-done.svg"), width=170, height=170,
                                            semantics_label="All done")]
        if waiting:
            lines.append(ft.Text("All done for now!", size=36, weight=ft.FontWeight.BOLD, key="kid-done-for-now",
                                 text_align=ft.TextAlign.CENTER))
        else:
            lines.append(ft.Text("All done!", size=48, weight=ft.FontWeight.BOLD, key="kid-all-done"))
        if reward.name and not waiting:
            msg = (f"You earned {reward.name}!" if reward.reached
                   else f"{reward.goal - reward.stars} more stars to {reward.name}")
            lines.append(ft.Text(msg, size=18, text_align=ft.TextAlign.CENTER, color="#6D4C41"))
        return ft.Container(ft.Column(lines, horizontal_alignment=ft.CrossAxisAlignment.CENTER, tight=True),
                            alignment=ft.Alignment.CENTER, padding=ft.Padding.only(top=40))

    def _corner(self, name: str, **pos) -> ft.Control:
        detector = ft.GestureDetector(
            content=ft.Container(width=CORNER, height=CORNER, bgcolor=ft.Colors.TRANSPARENT),
            key=f"kid-gate-{name}",
            on_long_press_start=lambda e, n=name: self.corner_start(n),
            on_long_press_end=lambda e, n=name: self.corner_end(n),
            on_long_press_cancel=lambda e, n=name: self.corner_end(n))
        return ft.Container(ft.Semantics(content=detector, label=CORNER_LABEL), width=CORNER, height=CORNER,
                            **pos)

    # ------------------------------------------------------------ actions
    def _update(self) -> None:
        _update_if_shown(self.control)

    def choose(self, item: ScheduledItem, option: str) -> None:
        self.chosen[item.id] = option
        self.refresh()
        self._update()

    def safety_ok(self, item: ScheduledItem) -> None:
        self.safety_read.add((item.date.isoformat(), self.chosen.get(item.id) or item.key))
        self.refresh()
        self._update()

    def _counted(self, item: ScheduledItem, n: int) -> None:
        self.reps[item.id] = n
        if getattr(self, "counter", None) and self.counter.full:
            self._play_sound()
        self._update()

    def _timer_done(self) -> None:
        self._play_sound()

    def _play_sound(self) -> None:
        if self.sound_player is not None and self.state.kid_sound():
            self.nav.run_task(self._safe_play, self.sound_player)

    @staticmethod
    async def _safe_play(player) -> None:
        try:
            await player.play()
        except Exception:              # no audio on this device: the pictures still say it all
            pass

    async def speak(self, item: ScheduledItem) -> None:
        steps = self._steps(item)
        # making a voice takes a moment: off the event loop, so other devices stay live
        await self.nav.act_async(lambda: self.state.kid_voice(item, steps), in_thread=True, then=self._say)

    async def _say(self, voice) -> None:
        if voice is None or self.voice_player is None:
            return
        try:
            await self.players.say(audio_url(voice.data, voice.kind))
        except Exception:              # no audio on this device: the pictures still say it all
            pass

    async def _hush(self) -> None:
        """The card changed: the voice of the last one stops."""
        try:
            await self.voice_player.pause()
        except Exception:
            pass

    def _voice_state(self, e) -> None:
        state = getattr(getattr(e, "state", None), "value", None)
        self.playing = state == "playing"
        if self.speak_button is not None:
            self.speak_button.label = "Playing" if self.playing else "Listen"
            self.speak_icon.icon = ft.Icons.GRAPHIC_EQ_ROUNDED if self.playing else ft.Icons.VOLUME_UP_ROUNDED
            _update_if_shown(self.speak_button)

    def did_it(self, item: ScheduledItem) -> None:
        kw = {"option": self.chosen[item.id]} if item.options and item.id in self.chosen else {}
        self.nav.act(lambda: self.state.record(item, Status.DONE, **kw), then=lambda _: self._start_celebration(item))

    def _start_celebration(self, item: ScheduledItem) -> None:
        self.reps.pop(item.id, None)
        self.chosen.pop(item.id, None)
        if self.playing and self.voice_player is not None:
            self.nav.run_task(self._hush)
        self.celebrating = True
        self.celebration = Celebration()
        self.refresh()
        self._update()
        self._play_sound()
        self.nav.run_task(self._celebrate)

    async def _celebrate(self) -> None:
        await asyncio.sleep(0.05)
        if self.celebration and self.celebrating:
            self.celebration.play()
            self._update()
        await asyncio.sleep(max(0.0, CELEBRATE_SECONDS - 0.05))
        if self.celebrating:
            self.celebrating = False
            self.celebration = None
            if self.nav.showing(self):
                self.refresh()
                self._update()

    # ------------------------------------------------------------ the gate
    def corner_start(self, name: str) -> None:
        self._hold_seq += 1
        self._corner_hold[name] = self._hold_seq
        self.nav.run_task(self._corner_held, name, self._hold_seq)

    def corner_end(self, name: str) -> None:
        self._corner_hold.pop(name, None)

    async def _corner_held(self, name: str, seq: int) -> None:
        await asyncio.sleep(HOLD_SECONDS)
        if self._corner_hold.get(name) != seq:
            return                                  # let go too early
        now = time.monotonic()
        other = "b" if name == "a" else "a"
        if now - self._corner_done.get(other, -1e9) <= CORNER_WINDOW + HOLD_SECONDS:
            self._corner_done.clear()
            self.grown_up_menu()
        else:
            self._corner_done[name] = now

    def ask_pin(self) -> None:
        field = ft.TextField(label="PIN", password=True, keyboard_type=ft.KeyboardType.NUMBER,
                             max_length=8, autofocus=True, key="gate-pin")
        # Dialogs carry no key: a second dialog with the same key in the page's list of dialogs is
        # taken for the first one and cannot be changed any more (Flet's keyed diff).
        dialog = ft.AlertDialog(title=ft.Text("Grown-ups only"), content=field)

        async def wrong(text: str) -> None:
            field.error = text
            field.update()
            await field.focus()

        async def checked(result) -> None:
            if result.ok:
                self.nav.close_dialog(dialog)
                self.grown_up_menu()
            else:
                field.value = ""
                await wrong(result.message())

        async def unlock(e=None) -> None:
            await self.nav.act_async(lambda: self.state.check_pin(field.value or ""), then=checked, error=wrong)

        field.on_submit = unlock
        dialog.actions = [ft.TextButton("Cancel", key="gate-cancel", on_click=lambda e: self.nav.close_dialog(dialog)),
                          ft.FilledButton("Unlock", key="gate-unlock", on_click=unlock)]
        self.nav.show_dialog(dialog)

    async def _offer_pin(self) -> None:
        """The first time kid mode opens without a PIN: ask the grown-up to set one (or not now)."""
        await asyncio.sleep(0)
        first = ft.TextField(label="New PIN (4 to 8 digits)", password=True, max_length=8, autofocus=True,
                             keyboard_type=ft.KeyboardType.NUMBER, key="kid-pin-new")
        again = ft.TextField(label="The same PIN again", password=True, max_length=8,
                             keyboard_type=ft.KeyboardType.NUMBER, key="kid-pin-again")
        dialog = ft.AlertDialog(
            title=ft.Text("Grown-ups: set a PIN?"),
            content=ft.Column(key="kid-pin-dialog", controls=[ft.Text("A PIN keeps your child in kid mode. Without one, leave by holding "
                                       "the top-left corner, then the bottom-right corner.", size=14),
                               first, again], tight=True, spacing=10))

        async def refused(text: str) -> None:
            again.error = text
            again.value = ""
            again.update()
            await again.focus()

        def saved(_none) -> None:
            self.nav.close_dialog(dialog)
            self.refresh()
            self._update()

        async def save(e=None) -> None:
            await self.nav.act_async(lambda: self.state.set_pin(first.value or "", again.value or ""),
                                     then=saved, error=refused)

        again.on_submit = save
        dialog.actions = [ft.TextButton("Not now", key="kid-pin-skip", on_click=lambda e: self.nav.close_dialog(dialog)),
                          ft.FilledButton("Set PIN", key="kid-pin-save", on_click=save)]
        self.nav.show_dialog(dialog)

    # ------------------------------------------------------------ grown-up tools
    def grown_up_menu(self) -> None:
        """Past the gate: leave kid mode, sound on or off, record a voice for a card."""
        st = self.state
        items = self._cards_today()
        current = self.now_item.key if self.now_item else (items[0][0] if items else None)
        status = ft.Text("", size=13, key="kid-record-status")
        pick = ft.Dropdown(label="Card", key="kid-record-card", value=current,
                           options=[ft.DropdownOption(key=k, text=t) for k, t in items])
        record_btn = ft.FilledButton("Record my voice", icon=ft.Icons.MIC, key="kid-record", height=48)
        play_btn = ft.OutlinedButton("Play", icon=ft.Icons.PLAY_ARROW, key="kid-record-play", height=48)
        delete_btn = ft.TextButton("Delete", icon=ft.Icons.DELETE_OUTLINE, key="kid-record-delete", height=48)
        sound = ft.Switch(label="Celebration sound", value=st.kid_sound(), key="kid-sound", height=48)
        dialog = ft.AlertDialog(title=ft.Text("Grown-ups"))

        def say(text: str) -> None:
            status.value = text

        def show_status() -> None:
            key = pick.value
            has = bool(key) and st.has_voice_recording(key)
            status.value = ("Your recording is used for this card." if has else
                            "No recording yet: the device's voice is used." if self._tts() else
                            "No recording yet: this card has no voice.")
            play_btn.disabled = delete_btn.disabled = not has

        def sound_changed(e) -> None:
            st.set_kid_sound(bool(sound.value))

        async def record(e) -> None:
            if self.recorder is not None and getattr(self, "_recording", False):
                await self._stop_recording(pick.value, status)
                record_btn.content = "Record my voice"
                record_btn.icon = ft.Icons.MIC
                show_status()
                dialog.update()
                return
            if not pick.value:
                return
            started = await self._start_recording()
            if started:
                record_btn.content = "Stop and save"
                record_btn.icon = ft.Icons.STOP
                status.value = "Recording… say the card's words, then tap Stop."
            else:
                status.value = "This device gave no microphone."
            dialog.update()

        async def play(e) -> None:
            own = self._own_voice(pick.value)
            if own is not None:
                try:
                    await self.players.say(audio_url(own))
                except Exception:
                    pass

        def delete(e) -> None:
            self.nav.act(lambda: st.remove_voice_recording(pick.value), then=lambda _: show_status(), error=say)
            dialog.update()

        def leave(e) -> None:
            self.nav.close_dialog(dialog)
            self.nav.leave_kid_mode()

        def back(e) -> None:
            self.nav.close_dialog(dialog)
            self.refresh()
            self._update()

        record_btn.on_click = record
        play_btn.on_click = play
        delete_btn.on_click = delete
        sound.on_change = sound_changed
        pick.on_select = lambda e: (show_status(), dialog.update())
        show_status()
        reward_row: list[ft.Control] = []
        if st.reward().name:
            async def pick_reward(e) -> None:
                files = await self.nav.pick_files(
                    dialog_title="Choose a photo of the reward", file_type=ft.FilePickerFileType.IMAGE,
                    with_data=True, cancel_upload_on_window_blur=False)
                if not files:
                    return
                self.nav.act(lambda: st.set_photo(REWARD_PHOTO, files[0].bytes or b"", files[0].name),
                             then=lambda _: say("The reward's photo is saved."), error=say)
                dialog.update()

            def reset_reward(e) -> None:
                self.nav.act(lambda: st.reset_photo(REWARD_PHOTO),
                             then=lambda _: say("The reward shows our picture again."), error=say)
                dialog.update()
            reward_row = [ft.Row([
                ft.OutlinedButton("Reward photo", icon=ft.Icons.PHOTO_CAMERA_OUTLINED, key="kid-reward-photo",
                                  on_click=pick_reward, height=48),
                ft.TextButton("Our picture", key="kid-reward-photo-reset", on_click=reset_reward, height=48,
                              disabled=not st.has_photo(REWARD_PHOTO)),
            ], wrap=True, spacing=8)]
        dialog.content = ft.Column([
            ft.FilledButton("Leave kid mode", icon=ft.Icons.LOGOUT, key="kid-leave", on_click=leave, height=48),
            sound, *reward_row,
            ft.Divider(),
            ft.Text("Your voice for a card", weight=ft.FontWeight.W_600),
            pick, ft.Row([record_btn, play_btn, delete_btn], wrap=True, spacing=8), status,
        ], tight=True, spacing=10, scroll=ft.ScrollMode.AUTO, key="kid-grown-up")
        dialog.actions = [ft.TextButton("Back to kid mode", key="kid-back", on_click=back, height=48)]
        self.nav.show_dialog(dialog)

    def _tts(self) -> bool:
        from planner import speech
        return speech.available()

    def _own_voice(self, activity: str | None) -> bytes | None:
        return self.state.own_voice(activity)

    def _cards_today(self) -> list[tuple[str, str]]:
        seen: dict[str, str] = {}
        for it in self.state.day(self.state.today).items:
            seen.setdefault(it.key, f"{it.kid_title} ({it.title})")
        return list(seen.items())

    async def _start_recording(self) -> bool:
        if self.recorder is None:
            return False
        self.players.chunks = []
        try:
            ok = await self.recorder.start_recording()
        except Exception:
            ok = False
        self._recording = ok is not False
        return self._recording

    async def _stop_recording(self, activity: str | None, status: ft.Text) -> None:
        from planner import speech
        self._recording = False
        try:
            await self.recorder.stop_recording()
        except Exception:
            pass
        await asyncio.sleep(0.2)                     # the last chunks arrive after the stop
        pcm, self.players.chunks = b"".join(self.players.chunks), []
        if not activity:
            return
        def failed(text: str) -> None:
            status.value = text
        wav = speech.pcm16_wav(pcm, RECORD_RATE, 1)
        self.nav.act(lambda: self.state.save_voice_recording(activity, wav), then=lambda _: self.refresh(),
                     error=failed)
