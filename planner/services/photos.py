"""The family's own pictures for activities (used everywhere a picture shows), per child."""
from __future__ import annotations

import io
import warnings

from planner.core.family import Family
from planner.core.value import replace
from planner.services.errors import ServiceError
from planner.storage.records import ChildSettings
from planner.storage.store import Store, StoreError

MAX_UPLOAD = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000            # refused before decoding (a small PNG can claim huge sides)
MAX_SIDE = 640
# The decoders a phone's or camera's photo needs. Pillow would otherwise also open EPS (by running
# Ghostscript on the upload), TIFF, ICO, TGA, PPM and more: none of them is a family photo.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")         # JPEG also opens a camera's MPO


def _photos(family: Family) -> dict[str, str]:
    s: ChildSettings = family.settings or ChildSettings()
    return dict(s.photos)


def shrink(data: bytes, name: str = "photo") -> bytes:
    """Check an uploaded picture and turn it into a small JPEG; ServiceError says what is wrong."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not data:
        raise ServiceError(f"{name}: the file is empty")
    if len(data) > MAX_UPLOAD:
        raise ServiceError(f"{name}: the picture is too large ({len(data) // (1024 * 1024)} MB, at most 15 MB)")
    unreadable = f"{name}: not a picture we can read (use a JPEG or PNG photo)"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as probe:     # reads the header only
                w, h = probe.size
                if w * h > MAX_PIXELS:
                    raise ServiceError(f"{name}: the picture is too big ({w}x{h} pixels, at most "
                                       f"{MAX_PIXELS // 1_000_000} megapixels)")
                probe.verify()
            img = Image.open(io.BytesIO(data), formats=FORMATS)
            img.draft("RGB", (MAX_SIDE * 2, MAX_SIDE * 2))    # JPEG: decode at a smaller scale
            img = ImageOps.exif_transpose(img)
            img.thumbnail((MAX_SIDE, MAX_SIDE))
            if img.mode not in ("RGB", "L"):
                background = Image.new("RGB", img.size, (255, 255, 255))
                rgba = img.convert("RGBA")
                background.paste(rgba, mask=rgba.split()[-1])
                img = background
            out = io.BytesIO()
            img.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    except ServiceError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ServiceError(f"{name}: the picture is too big to open safely") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, MemoryError):
        raise ServiceError(unreadable) from None
    return out.getvalue()


def set_photo(store: Store, family: Family, activity: str, data: bytes, name: str = "photo") -> str:
    """Check, shrink and keep an uploaded photo; returns the stored file name."""
    small = shrink(data, name)
    filename = f"{family.key}--{activity}.jpg"

    def remember() -> None:
        family.settings = store.update_child_settings(
            family.key, lambda s: replace(s, photos={**s.photos, activity: filename}))
    try:
        store.write_photo(filename, small, after=remember)
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
    return filename


def reset_photo(store: Store, family: Family, activity: str) -> None:
    filename = _photos(family).get(activity)
    if filename is None:
        return

    def forget() -> None:
        family.settings = store.update_child_settings(
            family.key, lambda s: replace(s, photos={k: v for k, v in s.photos.items() if k != activity}))
    try:
        store.remove_photo(filename, after=forget)
    except StoreError as exc:
        raise ServiceError(str(exc)) from None


def photo_bytes(store: Store, family: Family, activity: str) -> bytes | None:
    filename = _photos(family).get(activity)
    return store.read_photo(filename) if filename else None


def has_photo(family: Family, activity: str) -> bool:
    return activity in _photos(family)
