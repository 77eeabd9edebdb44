"""Spoken prompts made on the device: text to a WAV file with espeak-ng (Debian's `espeak-ng`),
when it is installed. Everything works without it: `synthesize` then returns None and Kid mode
uses a parent's recording or no voice. Also the short celebration chime (made here, no file
needed from anywhere else). Nothing here reads the clock or the data folder."""
from __future__ import annotations

import io
import math
import shutil
import struct
import subprocess
import wave
from functools import lru_cache

VOICE = "en-us"
WORDS_PER_MINUTE = 130        # slow and clear for a young child
MAX_CHARS = 320               # a kid title and a few steps; longer text is cut at a sentence
RATE = 11025                  # speech needs no more; a short prompt stays small to send


def engine() -> str | None:
    """The speech program on this device, or None."""
    return shutil.which("espeak-ng") or shutil.which("espeak")


def available() -> bool:
    return engine() is not None


def spoken_text(kid_title: str, steps: tuple[str, ...] | list[str] = ()) -> str:
    """What a card says: its kid title, then its steps, one sentence each."""
    parts = [kid_title.strip().rstrip(".!") + "."] if kid_title.strip() else []
    for s in steps:
        s = " ".join(s.split())
        if s:
            parts.append(s if s[-1] in ".!?" else s + ".")
    text = " ".join(parts)
    if len(text) > MAX_CHARS:
        cut = text.rfind(".", 0, MAX_CHARS)
        text = text[:cut + 1] if cut > 0 else text[:MAX_CHARS]
    return text


def fix_wav_sizes(data: bytes) -> bytes:
    """espeak-ng writing to a pipe cannot seek back, so its RIFF and data sizes are placeholders;
    some players stop at once or refuse such a file. Put the real sizes in."""
    if len(data) < 44 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return data
    out = bytearray(data)
    struct.pack_into("<I", out, 4, len(out) - 8)
    pos = 12
    while pos + 8 <= len(out):
        cid, size = out[pos:pos + 4], struct.unpack_from("<I", out, pos + 4)[0]
        if cid == b"data":
            struct.pack_into("<I", out, pos + 4, len(out) - pos - 8)
            break
        pos += 8 + size + (size & 1)
    return bytes(out)


@lru_cache(maxsize=128)
def synthesize(text: str, voice: str = VOICE, words_per_minute: int = WORDS_PER_MINUTE) -> bytes | None:
    """WAV bytes of `text` spoken, or None (no speech program, empty text, or it failed)."""
    exe = engine()
    text = " ".join(text.split())
    if not exe or not text:
        return None
    try:
        done = subprocess.run([exe, "-v", voice, "-s", str(words_per_minute), "--stdout", "--stdin"],
                              input=text.encode("utf-8"), capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0 or not done.stdout.startswith(b"RIFF"):
        return None
    return halve_rate(fix_wav_sizes(done.stdout))


def halve_rate(data: bytes) -> bytes:
    """A 22 kHz mono 16-bit WAV at half the rate (each pair of samples averaged): half the bytes,
    still clear speech. Other WAVs come back as they are."""
    import array
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            if w.getnchannels() != 1 or w.getsampwidth() != 2 or w.getframerate() != 2 * RATE:
                return data
            frames = w.readframes(w.getnframes())
    except (wave.Error, EOFError, struct.error):
        return data
    a = array.array("h")
    a.frombytes(frames[:len(frames) - len(frames) % 4])
    out = array.array("h", ((a[i] + a[i + 1]) // 2 for i in range(0, len(a) - 1, 2)))
    return pcm16_wav(out.tobytes(), RATE, 1)


def pcm16_wav(pcm: bytes, sample_rate: int, channels: int = 1) -> bytes:
    """Raw 16-bit little-endian PCM (what a recorder streams) as a WAV file."""
    if len(pcm) % (2 * channels):
        pcm = pcm[:len(pcm) - len(pcm) % (2 * channels)]
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm)
    return buf.getvalue()


def wav_seconds(data: bytes) -> float:
    """The length of a WAV file in seconds (0 when it cannot be read)."""
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            return w.getnframes() / float(w.getframerate() or 1)
    except (wave.Error, EOFError, struct.error):
        return 0.0


def chime_wav(sample_rate: int = 22050) -> bytes:
    """A soft rising three-note chime (C5, E5, G5), 0.9 s, gentle attack and fade: no click, not loud."""
    notes = (523.25, 659.25, 783.99)
    step, tail = 0.18, 0.55
    total = int(sample_rate * (step * (len(notes) - 1) + tail))
    samples = [0.0] * total
    for n, freq in enumerate(notes):
        start = int(sample_rate * step * n)
        length = int(sample_rate * tail)
        for i in range(length):
            if start + i >= total:
                break
            t = i / sample_rate
            env = min(1.0, t / 0.015) * math.exp(-t * 6.0)
            samples[start + i] += 0.22 * env * (math.sin(2 * math.pi * freq * t)
                                                + 0.25 * math.sin(4 * math.pi * freq * t))
    pcm = b"".join(struct.pack("<h", max(-32767, min(32767, int(s * 32767)))) for s in samples)
    return pcm16_wav(pcm, sample_rate, 1)
