"""The backup archive: a zip with manifest.json and the data folder's files under data/.

    manifest.json   {"format": "ot-home-planner-backup/1", "created": ISO time,
                     "schema_version": n, "files": {"plans.json": {"size": n, "sha256": hex}, ...}}
    data/<path>     every file of the data folder, by its path inside the folder

`verify` checks a whole archive before anyone touches a data folder: readable
zip, our manifest, the member list equal to the manifest's, sizes and sha256
of every member, safe relative names, JSON members that parse, a schema this
planner knows and size limits. It works on bytes only.
"""
from __future__ import annotations

import hashlib
import io
import json
import stat
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath

from planner.storage.atomic import TMP_MARK

FORMAT = "ot-home-planner-backup/1"
MANIFEST = "manifest.json"
PREFIX = "data/"
MAX_TOTAL = 200 * 1024 * 1024        # every member together, uncompressed
MAX_MANIFEST = 8 * 1024 * 1024
MAX_MEMBERS = 50_000
REQUIRED = ("meta.json", "plans.json")
COPIES_DIR = "restore-copies"


class ArchiveError(Exception):
    """Why an archive is not a usable backup (one line)."""


@dataclass(frozen=True)
class Backup:
    files: dict[str, bytes]          # path inside the data folder -> bytes
    created: str
    schema_version: int


def excluded(rel: str) -> bool:
    """Files of a data folder that never go into a backup (or come out of one)."""
    parts = rel.split("/")
    name = parts[-1]
    return (parts[0] == COPIES_DIR or name == ".lock" or name.startswith(TMP_MARK)
            or rel in ("devices.json", "devices.json.lock")
            or name.endswith(".bak") or ".damaged-" in name or name.endswith(".lock"))


def safe_name(rel: str) -> bool:
    """A plain relative path: no absolute, drive, backslash, '..', '.', empty part, control or
    bidi character."""
    if not rel or len(rel) > 255 or rel.startswith("/") or "\\" in rel:
        return False
    if not rel.isprintable():        # control, format (bidi) and unassigned characters, surrogates
        return False
    parts = rel.split("/")
    if len(parts) > 6:
        return False
    if any(p in ("", ".", "..") or (len(p) >= 2 and p[1] == ":" and p[0].isalpha()) for p in parts):
        return False                 # also "C:..." (a Windows drive)
    return PurePosixPath(rel).as_posix() == rel


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(files: dict[str, bytes], created: datetime, schema_version: int) -> bytes:
    """The archive bytes for `files` (path inside the data folder -> bytes)."""
    for rel in files:
        if not safe_name(rel) or excluded(rel):
            raise ArchiveError(f"{rel!r} cannot go into a backup")
    stamp = created.replace(microsecond=0)
    manifest = {
        "format": FORMAT, "created": stamp.isoformat(), "schema_version": schema_version,
        "files": {rel: {"size": len(data), "sha256": sha256(data)} for rel, data in sorted(files.items())},
    }
    zip_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        def add(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=zip_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zf.writestr(info, data)
        add(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
        for rel in sorted(files):
            add(PREFIX + rel, files[rel])
    return buf.getvalue()


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """A member's bytes, never more than its declared size (a zip bomb stops there)."""
    if info.flag_bits & 0x1:
        raise ArchiveError(f"{info.filename} is encrypted")
    with zf.open(info) as fh:
        data = fh.read(min(info.file_size, limit) + 1)
    if len(data) != info.file_size or len(data) > limit:
        raise ArchiveError(f"{info.filename} is not the size the archive says")
    return data


class _Twice(ValueError):
    pass


def _no_duplicates(pairs: list) -> dict:
    out = {}
    for k, v in pairs:
        if k in out:
            raise _Twice(k)
        out[k] = v
    return out


def _json_object(data: bytes, what: str) -> dict:
    """A member's JSON object; a key given twice is refused (json.loads alone keeps the last)."""
    try:
        doc = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except _Twice as exc:
        raise ArchiveError(f"{what} gives the field {str(exc.args[0])[:40]!r} twice") from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ArchiveError(f"{what} is not valid JSON") from None
    if not isinstance(doc, dict):
        raise ArchiveError(f"{what} does not hold a JSON object")
    return doc


MAX_JSON_MEMBER = 16 * 1024 * 1024    # a plans.json of hundreds of versions is a few MB
DENSE = 6                              # real records: one value or bracket per ~20 bytes


def _json_shape(data: bytes, what: str) -> None:
    """Refuse a JSON bomb before parsing it: a huge member, or one made of little but brackets
    and commas (`[],[],...` costs far more memory and time than its size suggests)."""
    if len(data) > MAX_JSON_MEMBER:
        raise ArchiveError(f"{what} is too large for a data file ({len(data) // 2**20} MB)")
    if len(data) > 65536:
        parts = data.count(b",") + data.count(b"[") + data.count(b"{")
        if parts * DENSE > len(data):
            raise ArchiveError(f"{what} is not a data file of this planner (far too many values)")


def verify(data: bytes, max_schema: int) -> Backup:
    """Check a whole archive; return its files, or raise ArchiveError saying what is wrong."""
    if not data:
        raise ArchiveError("the file is empty")
    if len(data) > MAX_TOTAL:
        raise ArchiveError(f"the file is too large ({len(data) // (1024 * 1024)} MB)")
    if not data.startswith(b"PK\x03\x04"):
        raise ArchiveError("not a planner backup (not a zip file)")
    try:
        return _verify(data, max_schema)
    except ArchiveError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError,
            RuntimeError, NotImplementedError, KeyError, TypeError, OverflowError) as exc:
        raise ArchiveError(f"the archive is damaged ({exc.__class__.__name__})") from None


def _verify(data: bytes, max_schema: int) -> Backup:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ArchiveError("the archive is damaged or incomplete (cannot read its contents)") from None
    with zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        if len(infos) > MAX_MEMBERS:
            raise ArchiveError(f"the archive has too many files ({len(infos)})")
        if len(set(names)) != len(names):
            raise ArchiveError("the archive holds the same name twice")
        if MANIFEST not in names:
            raise ArchiveError("not a planner backup (no manifest.json)")
        by_name = {i.filename: i for i in infos}
        manifest = _json_object(_read(zf, by_name[MANIFEST], MAX_MANIFEST), "manifest.json")
        if manifest.get("format") != FORMAT:
            found = manifest.get("format")
            raise ArchiveError("not a planner backup (manifest format "
                               f"{found!r}, expected {FORMAT!r})" if found else
                               "not a planner backup (the manifest has no format)")
        schema = manifest.get("schema_version")
        if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
            raise ArchiveError("the manifest has no valid schema_version")
        if schema > max_schema:
            raise ArchiveError(f"the backup was made by a newer planner (schema {schema}, this one "
                               f"knows {max_schema}); please update first")
        created = manifest.get("created")
        try:
            datetime.fromisoformat(created)
        except (TypeError, ValueError):
            raise ArchiveError("the manifest has no valid creation time") from None
        listed = manifest.get("files")
        if not isinstance(listed, dict) or not listed:
            raise ArchiveError("the manifest lists no files")
        for rel, entry in listed.items():
            if not isinstance(rel, str) or not safe_name(rel) or excluded(rel):
                raise ArchiveError(f"unsafe or unexpected file name in the backup: {rel!r}")
            if (not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str)
                    or not isinstance(entry.get("size"), int) or entry["size"] < 0):
                raise ArchiveError(f"the manifest entry of {rel} is incomplete")
        for name in names:
            if name != MANIFEST and (not name.startswith(PREFIX) or not safe_name(name[len(PREFIX):])):
                raise ArchiveError(f"unsafe or unexpected file name in the backup: {name!r}")
        for info in infos:
            kind = stat.S_IFMT(info.external_attr >> 16)
            if info.create_system == 3 and kind not in (0, stat.S_IFREG):      # made on Unix
                raise ArchiveError(f"{info.filename} is a link or a special file, not a file")
        members = {n[len(PREFIX):] for n in names if n != MANIFEST}
        if members != set(listed):
            extra = sorted(members - set(listed))
            missing = sorted(set(listed) - members)
            what = f"files missing: {', '.join(missing[:3])}" if missing else \
                f"files not in the manifest: {', '.join(extra[:3])}"
            raise ArchiveError(f"the archive does not match its manifest ({what})")
        for rel in REQUIRED:
            if rel not in listed:
                raise ArchiveError(f"the backup has no {rel}")
        total = sum(by_name[PREFIX + rel].file_size for rel in listed)
        if total > MAX_TOTAL or sum(e["size"] for e in listed.values()) > MAX_TOTAL:
            raise ArchiveError(f"the backup is too large (more than {MAX_TOTAL // (1024 * 1024)} MB)")
        files: dict[str, bytes] = {}
        for rel in sorted(listed):
            entry = listed[rel]
            info = by_name[PREFIX + rel]
            if info.file_size != entry["size"]:
                raise ArchiveError(f"{rel} is not the size the manifest says")
            body = _read(zf, info, entry["size"])
            if sha256(body) != entry["sha256"].lower():
                raise ArchiveError(f"{rel} is damaged (its checksum does not match)")
            if rel.endswith(".json"):
                _json_shape(body, rel)
                _json_object(body, rel)
            files[rel] = body
        meta = _json_object(files["meta.json"], "meta.json")
        inner = meta.get("schema_version", 1)
        if not isinstance(inner, int) or isinstance(inner, bool) or inner > max_schema:
            raise ArchiveError("the backup's meta.json has a schema this planner does not know")
    return Backup(files, created, schema)
