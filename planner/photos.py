"""The family's own pictures for activities (used everywhere a picture shows)."""
from __future__ import annotations

import io

from planner.services import Family, ServiceError
from planner.storage.atomic import atomic_write_bytes
from planner.storage.store import Store, StoreError

MAX_UPLOAD = 15 * 1024 * 1024
MAX_SIDE = 640


def _photos(family: Family) -> dict[str, str]:
    return dict(family.settings.get("photos") or {})


def set_photo(store: Store, family: Family, activity: str, data: bytes, name: str = "photo") -> str:
    """Check, shrink and keep an uploaded photo; returns the stored file name."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not data:
        raise ServiceError(f"{name}: the file is empty")
    if len(data) > MAX_UPLOAD:
        raise ServiceError(f"{name}: the picture is too large ({len(data) // (1024 * 1024)} MB, at most 15 MB)")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        img = Image.open(io.BytesIO(data))
        img = ImageOps.exif_transpose(img)
        img.thumbnail((MAX_SIDE, MAX_SIDE))
        if img.mode not in ("RGB", "L"):
            background = Image.new("RGB", img.size, (255, 255, 255))
            background.paste(img.convert("RGBA"), mask=img.convert("RGBA").split()[-1])
            img = background
        out = io.BytesIO()
        img.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ServiceError(f"{name}: not a picture we can read (use a JPEG or PNG photo)") from None
    filename = f"{family.key}--{activity}.jpg"
    try:
        with store.writing():
            store.photos_dir.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(store.photos_dir / filename, out.getvalue(), keep_backup=False)
            photos = _photos(family)
            photos[activity] = filename
            family.settings = store.update_settings(family.key, {"photos": photos})
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
    return filename


def reset_photo(store: Store, family: Family, activity: str) -> None:
    photos = _photos(family)
    filename = photos.pop(activity, None)
    if filename is None:
        return
    try:
        with store.writing():
            family.settings = store.update_settings(family.key, {"photos": photos})
            (store.photos_dir / filename).unlink(missing_ok=True)
    except StoreError as exc:
        raise ServiceError(str(exc)) from None


def photo_bytes(store: Store, family: Family, activity: str) -> bytes | None:
    filename = _photos(family).get(activity)
    if not filename:
        return None
    try:
        return (store.photos_dir / filename).read_bytes()
    except OSError:
        return None


def has_photo(family: Family, activity: str) -> bool:
    return activity in _photos(family)
