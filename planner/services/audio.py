"""A parent's own voice for a card: recordings kept in the data folder's `audio/` (so they are in
every backup), one file per child and activity: `audio/<child key>--<activity>.wav` (or .webm).

Which cards have a recording is the files themselves (ChildSettings has no field for it), so a
restored backup brings its recordings with it. The voice a card speaks is the recording when
there is one, else a voice made on the device (planner.speech), else none."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from planner import speech
from planner.services.errors import ServiceError
from planner.storage.store import Store, StoreError

AUDIO_DIR = "audio"
KINDS = ("wav", "webm")
MIME = {"wav": "audio/wav", "webm": "audio/webm"}
MAX_BYTES = 8 * 1024 * 1024          # about 4 minutes of 16 kHz mono WAV; a prompt is seconds
MIN_SECONDS = 0.3                    # shorter than this is a tap on the button, not a recording


@dataclass(frozen=True)
class Voice:
    data: bytes
    kind: str            # "wav" or "webm"
    source: str          # "recorded" (a parent's voice) or "generated" (made on this device)




def _name(child: str, activity: str, kind: str) -> str:
    for part in (child, activity):
        if not part or "/" in part or "\\" in part or part.startswith(".") or "--" in part \
                or any(ord(c) < 32 for c in part):
            raise ServiceError(f"cannot keep a recording for {part!r}")
    if kind not in KINDS:
        raise ServiceError(f"a recording is a {' or '.join(KINDS)} file, not {kind!r}")
    return f"{child}--{activity}.{kind}"


def recording(store: Store, child: str, activity: str) -> Voice | None:
    """The parent's recording for this child's card, or None."""
    for kind in KINDS:
        try:
            data = store.read_media(AUDIO_DIR, _name(child, activity, kind))
        except ServiceError:
            continue
        if data:
            return Voice(data, kind, "recorded")
    return None


def has_recording(store: Store, child: str, activity: str) -> bool:
    names = set(store.media_names(AUDIO_DIR))
    return any(_name(child, activity, k) in names for k in KINDS)


def recorded(store: Store, child: str) -> set[str]:
    """The activities of this child that have a recording."""
    out = set()
    for name in store.media_names(AUDIO_DIR):
        stem, dot, kind = name.rpartition(".")
        who, sep, activity = stem.partition("--")
        if dot and sep and who == child and kind in KINDS:
            out.add(activity)
    return out


def save_recording(store: Store, child: str, activity: str, data: bytes, kind: str = "wav") -> str:
    """Keep a recording (replacing the card's earlier one); returns the file name."""
    name = _name(child, activity, kind)
    if not data:
        raise ServiceError("the recording is empty")
    if len(data) > MAX_BYTES:
        raise ServiceError(f"the recording is too long ({len(data) // (1024 * 1024)} MB, "
                           f"at most {MAX_BYTES // (1024 * 1024)} MB)")
    if kind == "wav":
        if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
            raise ServiceError("the recording is not a WAV file")
        if speech.wav_seconds(data) < MIN_SECONDS:
            raise ServiceError("the recording is too short: hold on a little longer")
    try:
        store.write_media(AUDIO_DIR, name, data,
                          replaces=tuple(_name(child, activity, k) for k in KINDS if k != kind))
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
    except OSError as exc:
        raise ServiceError(f"cannot save the recording: {exc.strerror or exc}") from None
    return name


def remove_recording(store: Store, child: str, activity: str) -> None:
    try:
        store.remove_media(AUDIO_DIR, tuple(_name(child, activity, k) for k in KINDS))
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
    except OSError as exc:
        raise ServiceError(f"cannot remove the recording: {exc.strerror or exc}") from None


def voice(store: Store, child: str, activity: str, text: str) -> Voice | None:
    """What a card says: the parent's recording, else a voice made on this device, else None."""
    own = recording(store, child, activity)
    if own:
        return own
    made = speech.synthesize(text)
    return Voice(made, "wav", "generated") if made else None
