"""Verdicts as XMP keywords that photo managers read (digiKam, darktable, Lightroom, Immich, PhotoPrism).

What is written, for a photo classified as ``cat``:

- ``dc:subject`` (flat keywords, a bag): ``Cat``;
- ``lr:hierarchicalSubject`` (Adobe's hierarchical keywords, ``|``-separated; digiKam and darktable read
  them as tag trees): ``Animals|Cat``;
- catdog's own namespace (:data:`NAMESPACE`, prefix ``catdog``): ``Verdict`` (the label, or ``uncertain``),
  ``Label`` (the top label), ``Confidence`` (its probability), ``ModelFile`` and ``ModelSHA256`` (the model
  file and its SHA-256, so that a later run knows whether the verdict came from the model it uses), ``Source``
  (``model`` or ``hand``), ``File`` (the photo's name: a ``photo.xmp`` sidecar can be shared by ``photo.jpg``
  and ``photo.png``), ``Keywords`` (the keywords catdog added, so that a new verdict replaces only those,
  never the user's own) and, in a sidecar only, ``PhotoSize`` and ``PhotoSHA256`` (the photo's size in bytes
  and the SHA-256 of its bytes when the verdict was written).

The photo's identity: a sidecar sits beside the photo by name only, and names are reused (cameras count
``IMG_0001`` again; a photo is replaced by another under the same name). A sidecar whose ``PhotoSize`` or
``PhotoSHA256`` does not match the photo was written for a different photo: :func:`read_verdict` and
``--skip-tagged`` (:func:`split_tagged`) take it as no verdict, and :func:`write_verdict` replaces it, even a
verdict set by hand (that person judged the other photo). The identity is content only (no inode, no mtime),
so a photo copied or moved with its sidecar keeps its verdict. An embedded verdict records no identity: it is
inside the photo itself, so replacing the photo replaces the verdict, and the write changes the file's bytes
(a digest of the whole file could never match afterwards). Sidecars written by older catdog versions carry no
identity and are trusted as before.

Where: a **sidecar** beside the photo (the default; the photo is never touched), named ``photo.jpg.xmp``
(:data:`NAMING_APPEND`: digiKam, darktable) or ``photo.xmp`` (:data:`NAMING_REPLACE`: Lightroom), merged into
an existing one; or **embedded** in the photo's own XMP (JPEG, PNG, WebP, TIFF; libexiv2 reads but cannot
write HEIC/AVIF), only on request. Embedding copies the image data and the ICC profile byte for byte; JPEG
and TIFF keep the EXIF bytes too, while for PNG and WebP libexiv2 re-serialises the EXIF block (little-endian)
with the same tags and values; every write is checked for that before it lands.

Safety: every file is written to a temporary file in its folder and renamed over the old one
(``os.replace``), so an interrupted run leaves no half-written file; a file modified while it was being
rewritten (size, mtime or inode changed between reading and renaming) is left untouched; a ``photo.xmp``
that holds the verdict of another existing photo (``photo.png`` beside ``photo.jpg``) is not replaced
(:func:`shared_sidecars` finds such pairs in a batch before anything is written); read-only files
and folders, unsupported formats and unreadable files are reported in the :class:`TagOutcome`, never raised.

The metadata library is python-exiv2 (the ``exiv2`` wheel, which carries libexiv2); no XML is written by hand.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import math
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import exiv2

from catdog_gui.core.atomic import finish_replace, is_read_only, resolve_target
from catdog_gui.core.pathtext import path_text, quoted
from catdog_gui.core.results import Result
from catdog_gui.core.verdicts import marked_by_person

__all__ = ["NAMESPACE", "PREFIX", "NAMING_APPEND", "NAMING_REPLACE", "NAMINGS", "MODES", "UNCERTAIN",
           "DEFAULT_ROOT", "Verdict", "TagOutcome", "sidecar_path", "keywords_for", "model_digest",
           "read_verdict", "verdict_place", "verdict_for", "split_tagged", "earlier_verdicts", "with_hand_verdicts",
           "shared_sidecars", "write_verdict", "undo_write", "follow_moves"]

NAMESPACE = "urn:catdog:xmp:1.0/"  # catdog's XMP namespace URI (any URI; this one is ours and stable)
PREFIX = "catdog"
NAMING_APPEND = "append"    # photo.jpg -> photo.jpg.xmp (digiKam, darktable)
NAMING_REPLACE = "replace"  # photo.jpg -> photo.xmp (Lightroom, Capture One)
NAMINGS = (NAMING_APPEND, NAMING_REPLACE)
MODES = ("sidecar", "embed")
UNCERTAIN = "uncertain"
DEFAULT_ROOT = "Animals"  # root of the hierarchical keyword: "Animals|Cat"
SOURCE_MODEL, SOURCE_HAND = "model", "hand"

_SUBJECT = "Xmp.dc.subject"
_HIERARCHICAL = "Xmp.lr.hierarchicalSubject"
_OWN = ("Verdict", "Label", "Confidence", "ModelFile", "ModelSHA256", "Source", "File", "PhotoSize",
        "PhotoSHA256")
_PHOTO_SIZE, _PHOTO_SHA256 = f"Xmp.{PREFIX}.PhotoSize", f"Xmp.{PREFIX}.PhotoSHA256"
_KEYWORDS = f"Xmp.{PREFIX}.Keywords"
_MOVABLE = ("XMLPacket", "StripOffsets", "TileOffsets", "JPEGInterchangeFormat")

exiv2.XmpParser.initialize()  # libexiv2 asks for this once, before any use from several threads
exiv2.XmpProperties.registerNs(NAMESPACE, PREFIX)
exiv2.LogMsg.setLevel(exiv2.LogMsg.Level.mute)  # problems come back as exceptions, reported per file


@dataclass(frozen=True)
class Verdict:
    """One photo's verdict as stored in XMP.

    Attributes:
        label: the model's top label (e.g. ``"cat"``), or the label set by hand.
        confidence: probability of ``label`` in [0, 1] (NaN for a verdict set by hand without one).
        uncertain: the top probability was below the model's ``uncertain_threshold``.
        model: the model's file name (``""`` when unknown).
        model_digest: SHA-256 (hex) of the model file (:func:`model_digest`), ``""`` when unknown.
        source: ``"model"``, or ``"hand"`` for a correction made by a person (kept by later model runs).
    """

    label: str
    confidence: float = float("nan")
    uncertain: bool = False
    model: str = ""
    model_digest: str = ""
    source: str = SOURCE_MODEL

    @property
    def verdict(self) -> str:
        """What the photo is tagged as: the label, or ``"uncertain"``."""
        return UNCERTAIN if self.uncertain else self.label


@dataclass(frozen=True)
class TagOutcome:
    """What :func:`write_verdict` did (or, in a dry run, would do) for one photo.

    Attributes:
        path: the photo.
        target: the file written or to be written (the sidecar, or the photo itself when embedding).
        action: ``"written"``, ``"would write"`` (dry run), ``"unchanged"`` (already tagged so),
            ``"kept"`` (a verdict set by hand was not replaced), ``"undone"`` (:func:`undo_write`) or ``"error"``.
        added, removed: keywords added to / removed from ``dc:subject`` and ``lr:hierarchicalSubject``.
        reason: why, for ``"error"`` and ``"kept"`` (human-readable); ``""`` otherwise.
        undo: for ``"written"``, what :func:`undo_write` needs to put the previous state back (a journal
            entry: the mode, the previous sidecar bytes or XMP packet, and the written file's identity).
    """

    path: str
    target: str
    action: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    reason: str = ""
    undo: tuple | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """False only for ``"error"``."""
        return self.action != "error"


class _Refused(Exception):
    """A per-file problem, reported in a :class:`TagOutcome` (never leaves this module)."""


def sidecar_path(photo: str | os.PathLike, naming: str = NAMING_APPEND) -> str:
    """The sidecar of ``photo``: ``photo.jpg.xmp`` (``naming="append"``) or ``photo.xmp`` (``"replace"``).

    Raises:
        ValueError: unknown ``naming``.
    """
    photo = os.fspath(photo)
    if naming == NAMING_APPEND:
        return photo + ".xmp"
    if naming == NAMING_REPLACE:
        return os.path.splitext(photo)[0] + ".xmp"
    raise ValueError(f"unknown sidecar naming {naming!r}; expected one of {NAMINGS}")


def verdict_for(result: Result, threshold: float | None, model: str = "", digest: str = "") -> Verdict:
    """The verdict to tag a classified (``ok``) row with: a person's mark (``Result.person_label``) as a
    verdict set by hand (``source="hand"``, never uncertain, no confidence unless the model said the same),
    else the model's answer, ``uncertain`` below ``threshold`` (:meth:`Result.is_uncertain`).

    Args:
        result: the row.
        threshold: the run's uncertain threshold (top probability in [0, 1]).
        model, digest: the model's file name and SHA-256 (:func:`model_digest`).
    """
    if marked_by_person(result):
        same = result.person_label == result.label
        return Verdict(label=result.person_label, confidence=result.confidence if same else math.nan,
                       model=model, model_digest=digest, source=SOURCE_HAND)
    return Verdict(label=result.label, confidence=result.confidence, uncertain=result.is_uncertain(threshold),
                   model=model, model_digest=digest)


def keywords_for(verdict: Verdict, root: str = DEFAULT_ROOT) -> tuple[str, str]:
    """The flat (``dc:subject``) and hierarchical (``lr:hierarchicalSubject``) keyword of a verdict:
    ``("Cat", "Animals|Cat")``; ``("Uncertain", "Animals|Uncertain")`` for an uncertain one. The label's
    first letter is capitalised, as keywords are in photo managers; ``root=""`` gives a flat hierarchy."""
    text = verdict.verdict
    word = text[:1].upper() + text[1:]
    return word, f"{root}|{word}" if root else word


def model_digest(path: str | os.PathLike) -> str:
    """SHA-256 of a model file, hex (64 characters); identifies the model a verdict came from.

    Raises:
        OSError: the file cannot be read.
    """
    with open(path, "rb") as f:
        return _sha256(f)


def _sha256(f) -> str:
    """SHA-256 (hex) of what is left to read in the binary file ``f``, read in 1 MiB blocks."""
    h = hashlib.sha256()
    for block in iter(lambda: f.read(1 << 20), b""):
        h.update(block)
    return h.hexdigest()


def _photo_identity(photo: str) -> tuple[str, str]:
    """``(size in bytes, SHA-256 hex)`` of the photo's bytes, as stored in ``catdog:PhotoSize`` and
    ``catdog:PhotoSHA256``.

    Raises:
        OSError: the photo cannot be read.
    """
    with open(photo, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        return str(size), _sha256(f)


def _identify(photo: str) -> tuple[str, str]:
    """:func:`_photo_identity`, for a sidecar about to be written.

    Raises:
        _Refused: the photo cannot be read.
    """
    try:
        return _photo_identity(photo)
    except OSError as exc:
        raise _Refused(f"cannot read the photo: {exc.strerror or exc}") from None


def _written_for(xmp: exiv2.XmpData, photo: str, identity: tuple[str, str] | None = None) -> bool:
    """False when ``xmp`` (a sidecar's) records a photo identity that ``photo`` does not have: the sidecar was
    written for a different photo under the same name. True when it matches, or records none (a sidecar of an
    older catdog version), or the photo cannot be read (nothing to compare with). ``identity``: the photo's
    (:func:`_photo_identity`) when already known; else the SHA-256 is computed only when the sizes agree."""
    size, digest = _text(xmp, _PHOTO_SIZE), _text(xmp, _PHOTO_SHA256)
    if not size and not digest:
        return True
    try:
        if size and size != (identity[0] if identity else str(os.path.getsize(photo))):
            return False
        return not digest or digest == (identity or _photo_identity(photo))[1]
    except OSError:
        return True


# ---------------------------------------------------------------------------------------------- reading

def _values(xmp: exiv2.XmpData, key: str) -> list[str]:
    for datum in xmp:
        if datum.key() == key:
            return [datum.toString(i) for i in range(datum.count())]
    return []


def _text(xmp: exiv2.XmpData, key: str) -> str:
    values = _values(xmp, key)
    return values[0] if values else ""


def _file_name(photo: str) -> str:
    """The photo's name as stored in ``catdog:File``: a name that is not valid UTF-8 (Linux hands it to
    Python with lone surrogates, PEP 383) keeps its raw bytes as ``\\xNN`` escapes."""
    return path_text(os.path.basename(photo))


def _open(data: bytes) -> exiv2.Image:
    image = exiv2.ImageFactory.open(data)
    image.readMetadata()
    return image


def _stored(xmp: exiv2.XmpData, photo: str, check_name: bool = True) -> Verdict | None:
    """The catdog verdict in ``xmp``, when there is one about ``photo``. ``check_name``: the XMP comes from
    a ``photo.xmp`` sidecar, which ``photo.png`` could share, so ``catdog:File`` must name ``photo``; not
    for ``photo.jpg.xmp`` or the photo's own XMP, which stay the photo's when it is renamed (``x (1).jpg``)."""
    label = _text(xmp, f"Xmp.{PREFIX}.Label")
    if not label:
        return None
    name = _text(xmp, f"Xmp.{PREFIX}.File")
    if check_name and name and name != _file_name(photo):  # a photo.xmp written for photo.png, not photo.jpg
        return None
    try:
        confidence = float(_text(xmp, f"Xmp.{PREFIX}.Confidence"))
    except ValueError:
        confidence = math.nan
    return Verdict(label=label, confidence=confidence,
                   uncertain=_text(xmp, f"Xmp.{PREFIX}.Verdict") == UNCERTAIN,
                   model=_text(xmp, f"Xmp.{PREFIX}.ModelFile"), model_digest=_text(xmp, f"Xmp.{PREFIX}.ModelSHA256"),
                   source=_text(xmp, f"Xmp.{PREFIX}.Source") or SOURCE_MODEL)


def read_verdict(photo: str | os.PathLike, naming: str = NAMING_APPEND) -> Verdict | None:
    """The verdict catdog stored for ``photo``: its sidecar first (``naming``'s, then the other naming's),
    then the photo's own XMP; None when there is none or nothing can be read (a missing, unreadable or
    damaged file is no verdict). A sidecar written for a different photo (its ``PhotoSize`` or
    ``PhotoSHA256`` does not match ``photo``; see the module docstring) is no verdict either.

    Raises:
        ValueError: unknown ``naming``.
    """
    return _lookup(os.fspath(photo), naming)[0]


def verdict_place(photo: str | os.PathLike, naming: str = NAMING_APPEND) -> tuple[Verdict, str, str] | None:
    """Where :func:`read_verdict` finds ``photo``'s verdict: (the verdict, ``mode``, ``naming``) to give
    :func:`write_verdict` so that it replaces that very verdict (``"sidecar"`` and the sidecar's naming, or
    ``"embed"`` and ``naming``); None when there is no verdict.

    Raises:
        ValueError: unknown ``naming``.
    """
    photo = os.fspath(photo)
    verdict, _changed, where = _lookup(photo, naming)
    if verdict is None:
        return None
    if where == photo:
        return verdict, "embed", naming
    return verdict, "sidecar", next(n for n in NAMINGS if sidecar_path(photo, n) == where)


def _lookup(photo: str, naming: str) -> tuple[Verdict | None, bool, str]:
    """:func:`read_verdict`'s answer, whether a sidecar with a catdog verdict was passed over because it
    was written for a different photo, and the file the answer was read from (``""`` for none)."""
    changed = False
    names = [sidecar_path(photo, naming)] + [sidecar_path(photo, n) for n in NAMINGS if n != naming]
    for path in [*dict.fromkeys(names), photo]:
        try:
            if path == photo and os.path.isfile(photo):
                try:  # libexiv2 reads only the metadata of a photo opened by name, not its pixels
                    image = exiv2.ImageFactory.open(photo)
                    image.readMetadata()
                except (exiv2.Exiv2Error, UnicodeError, TypeError):  # a name it cannot take: read the bytes
                    with open(path, "rb") as f:
                        image = _open(f.read())
            else:
                with open(path, "rb") as f:
                    image = _open(f.read())
            xmp = image.xmpData()
            verdict = _stored(xmp, photo, check_name=path == sidecar_path(photo, NAMING_REPLACE))
            if verdict is not None and path != photo and not _written_for(xmp, photo):
                verdict, changed = None, True
        except (OSError, exiv2.Exiv2Error):
            continue
        if verdict is not None:
            return verdict, changed, path
    return None, changed, ""


def split_tagged(paths: Sequence[str], digest: str,
                 naming: str = NAMING_APPEND) -> tuple[list[str], dict[str, Verdict], list[str]]:
    """Sort photos into those to classify and those already tagged: by the model whose SHA-256 is ``digest``,
    or by hand (a person's verdict stands whatever the model). Used by ``--skip-tagged``. A sidecar written
    for a different photo under the same name (see the module docstring) does not count as tagged.

    Returns:
        (paths to classify, in order; {path: stored verdict} for the others; the paths to classify whose
        sidecar was passed over because the photo changed since it was tagged, in order).

    Raises:
        ValueError: unknown ``naming``.
    """
    todo: list[str] = []
    tagged: dict[str, Verdict] = {}
    changed: list[str] = []
    for path in paths:
        v, stale, _where = _lookup(os.fspath(path), naming)
        if v is not None and (v.source == SOURCE_HAND or v.model_digest == digest):
            tagged[path] = v
        else:
            todo.append(path)
            if stale:
                changed.append(path)
    return todo, tagged, changed


def earlier_verdicts(paths: Iterable[str | os.PathLike],
                     naming: str = NAMING_APPEND) -> tuple[dict[str, Verdict], list[str]]:
    """What the tags of ``paths`` (photos a run found uncertain and left untagged) still say, read once each:
    ({path: verdict} of those whose verdict a person set, which stands whatever the model says; the paths whose
    tags hold a Cat or Dog verdict catdog's model wrote earlier, which a photo manager keeps showing), in order.

    Raises:
        ValueError: unknown ``naming``.
    """
    by_hand: dict[str, Verdict] = {}
    stale: list[str] = []
    for path in map(os.fspath, paths):
        v = read_verdict(path, naming)
        if v is not None and v.source == SOURCE_HAND:
            by_hand[path] = v
        elif v is not None and not v.uncertain:
            stale.append(path)
    return by_hand, stale


def with_hand_verdicts(results: Iterable[Result], naming: str = NAMING_APPEND) -> list[Result]:
    """``results`` with each classified (``ok``) photo's verdict set by hand in its tags (a sidecar or the
    photo's own XMP, :func:`read_verdict`; one written for a different photo of the same name does not count)
    as its ``person_label``, unless the row already carries one: a person's verdict, written by the app's
    Write Tags, comes back in the app and in ``catdog-classify``. About 0.1 ms a photo without tags.

    Raises:
        ValueError: unknown ``naming``.
    """
    marked = []
    for r in results:
        v = read_verdict(r.path, naming) if r.ok and not r.person_label else None
        marked.append(replace(r, person_label=v.label) if v is not None and v.source == SOURCE_HAND else r)
    return marked


# ---------------------------------------------------------------------------------------------- writing

def shared_sidecars(photos: Iterable[str | os.PathLike], naming: str = NAMING_APPEND) -> dict[str, tuple[str, ...]]:
    """Photos of ``photos`` whose sidecar under ``naming`` is the same file as another one's (with
    :data:`NAMING_REPLACE`, ``pet.jpg`` and ``pet.png`` both get ``pet.xmp``, which holds one verdict).

    Returns:
        {photo: the other photos sharing its sidecar}, for the clashing photos only (empty with
        :data:`NAMING_APPEND`); the same path given twice is no clash.

    Raises:
        ValueError: unknown ``naming``.
    """
    groups: dict[str, list[str]] = {}
    for photo in dict.fromkeys(os.fspath(p) for p in photos):
        key = os.path.normcase(os.path.abspath(sidecar_path(photo, naming)))
        groups.setdefault(key, []).append(photo)
    return {p: tuple(o for o in group if o != p) for group in groups.values() if len(group) > 1 for p in group}


def _other_owner(xmp: exiv2.XmpData, photo: str, target: str, naming: str) -> str | None:
    """The other, still existing photo whose verdict the sidecar ``target`` holds (``pet.xmp`` written for
    ``pet.png`` when ``pet.jpg`` is tagged), or None."""
    name = _text(xmp, f"Xmp.{PREFIX}.File")
    if not name or not _text(xmp, f"Xmp.{PREFIX}.Label") or name == _file_name(photo):
        return None
    other = os.path.join(os.path.dirname(photo), name)
    if os.path.isfile(other) and os.path.normcase(sidecar_path(other, naming)) == os.path.normcase(target):
        return other
    return None


def _identity(path: str) -> tuple[int, int, int] | None:
    """What tells that a file changed: (inode, size, mtime in ns); None when it does not exist."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def _set_bag(xmp: exiv2.XmpData, key: str, values: Sequence[str]) -> None:
    if key in xmp:
        del xmp[key]
    if values:
        bag = exiv2.XmpArrayValue(exiv2.TypeId.xmpBag)
        for value in values:
            bag.read(value)
        xmp[key] = bag


def _apply(xmp: exiv2.XmpData, photo: str, verdict: Verdict, root: str,
           identity: tuple[str, str] = ("", "")) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Put ``verdict`` into ``xmp``, keeping every keyword catdog did not add; returns (added, removed).
    ``identity``: the photo's (size, SHA-256) for a sidecar (:func:`_photo_identity`), empty for an embed."""
    previous = set(_values(xmp, _KEYWORDS))  # what an earlier catdog run added
    wanted = keywords_for(verdict, root)
    added, removed, ours = [], [], []
    for key, keyword in zip((_SUBJECT, _HIERARCHICAL), wanted):
        old = _values(xmp, key)
        kept = [k for k in old if k not in previous or k == keyword]
        removed += [k for k in old if k not in kept]
        if keyword in kept:
            if keyword in previous:
                ours.append(keyword)  # the user's own identical keyword stays the user's
        else:
            kept.append(keyword)
            added.append(keyword)
            ours.append(keyword)
        _set_bag(xmp, key, kept)
    own = {"Verdict": verdict.verdict, "Label": verdict.label,
           "Confidence": "" if math.isnan(verdict.confidence) else f"{verdict.confidence:.4f}",
           "ModelFile": verdict.model, "ModelSHA256": verdict.model_digest, "Source": verdict.source,
           "File": _file_name(photo), "PhotoSize": identity[0], "PhotoSHA256": identity[1]}
    for name in _OWN:
        key = f"Xmp.{PREFIX}.{name}"
        if key in xmp:
            del xmp[key]
        if own[name]:
            xmp[key] = own[name]
    # With a flat hierarchy (root "") both keywords are the same word: record it once.
    _set_bag(xmp, _KEYWORDS, list(dict.fromkeys(ours)))
    return tuple(dict.fromkeys(added)), tuple(removed)


def _snapshot(image: exiv2.Image) -> tuple:
    """The metadata an embed must not change: EXIF and IPTC (key, type, value) and the ICC profile bytes.
    Left out: a TIFF's XMP tag (700, what is being written) and the positions of its pixel strips or tiles
    and thumbnail (they move when the XMP grows; the pixels are copied)."""
    exif = [(d.key(), d.typeId(), d.toString()) for d in image.exifData()
            if not d.key().endswith(_MOVABLE)]
    iptc = [(d.key(), d.typeId(), d.toString()) for d in image.iptcData()]
    icc = bytes(image.iccProfile().data()) if image.iccProfileDefined() else b""
    return exif, iptc, icc


def _replace_atomically(target: str, data: bytes, before: tuple[int, int, int] | None) -> None:
    """Write ``data`` to a temporary file beside ``target`` and rename it over ``target``, unless
    ``target`` changed since ``before`` was taken (then nothing is changed).

    A file with several names (hard links, ``st_nlink > 1``) cannot be renamed over: the other names would
    keep the old file. Its new content goes to the temporary file first (flushed to disk: a whole copy
    exists before the photo is touched), then the space is reserved in the photo (``posix_fallocate``, so
    a full disk fails before any byte changes) and the bytes are copied into the same inode; the temporary
    file is removed after. If that copy fails midway, the temporary file with the whole new photo is kept
    and named in the error. Single-name files keep the atomic rename, which can never leave half a file.

    A symbolic link (a sidecar kept elsewhere) is followed: the file it leads to is replaced, the link kept.

    Raises:
        _Refused: the folder is read-only, or the file changed meanwhile, or the in-place copy failed.
        OSError: the file system refused the write; ``target`` is not a regular file (a device, a folder).
    """
    target, _ = resolve_target(target)
    folder = os.path.dirname(os.path.abspath(target))
    if is_read_only(folder):
        raise _Refused(f"folder {quoted(folder)} is read-only")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".catdog-", suffix=".xmp.tmp", dir=folder)
    except OSError as exc:
        raise _Refused(f"cannot write in folder {quoted(folder)}: {exc.strerror or exc}") from None

    def unchanged() -> None:
        if _identity(target) != before:
            raise _Refused("modified while writing; left untouched")

    try:
        links = os.stat(target).st_nlink
    except FileNotFoundError:
        links = 1
    if links <= 1:
        finish_replace(fd, tmp, target, lambda f: f.write(data), check=unchanged)
        return
    with os.fdopen(fd, "wb") as f:  # the whole new photo, on disk, before the photo is touched
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    try:
        unchanged()
        _write_in_place(target, data, tmp)
    except BaseException:
        with contextlib.suppress(OSError):
            if _identity(target) == before:  # the photo was not touched: the copy is not needed
                os.unlink(tmp)
        raise
    os.unlink(tmp)


def _write_in_place(target: str, data: bytes, copy: str) -> None:
    """Overwrite ``target``'s content with ``data`` through its own inode (every hard link sees it)."""
    fd = os.open(target, os.O_WRONLY | getattr(os, "O_BINARY", 0))
    try:
        if hasattr(os, "posix_fallocate") and len(data) > os.fstat(fd).st_size:
            try:
                os.posix_fallocate(fd, 0, len(data))
            except OSError as exc:
                if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
                    raise _Refused(f"no room to write it ({exc.strerror or exc}); left untouched") from None
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.ftruncate(fd, len(data))
            os.fsync(fd)
        except OSError as exc:
            raise _Refused(f"writing into the hard-linked file failed ({exc.strerror or exc}); the whole tagged "
                           f"photo is in {quoted(copy)}") from None
    finally:
        os.close(fd)


def _read_target(target: str, mode: str) -> tuple[object, bytes | None, object]:
    """``(identity, bytes, exiv2 image)`` of the file a verdict goes into; ``(None, None, None)`` for a
    sidecar not yet written, and no image for an empty sidecar (started afresh).

    Raises:
        _Refused: an embed target that does not exist, or metadata libexiv2 cannot read.
        OSError: the file cannot be read, or is not a regular file (a named pipe would block the read).
    """
    resolve_target(target)
    before = _identity(target)
    if before is None:
        if mode == "embed":
            raise _Refused("no such file")
        return None, None, None
    with open(target, "rb") as f:
        data = f.read()
    if mode == "sidecar" and not data.strip():
        return before, data, None
    try:
        return before, data, _open(data)
    except exiv2.Exiv2Error as exc:
        raise _Refused(f"cannot read its metadata: {exc.args[-1] if exc.args else exc}") from None


def _check_writable(target: str, before) -> None:
    """Refuse what :func:`_write` would refuse before writing a byte, so that a dry run predicts it: an existing
    read-only ``target`` (``before`` is its stamp, None when it does not exist yet) or a read-only folder.

    Raises:
        _Refused: with the reason a real write would give.
        OSError: ``target`` is not a regular file (:func:`~catdog_gui.core.atomic.resolve_target`).
    """
    target, _ = resolve_target(target)  # a symbolic link: the file it leads to, in its own folder
    if before is not None and is_read_only(target):
        raise _Refused(f"{quoted(os.path.basename(target))} is read-only")
    folder = os.path.dirname(os.path.abspath(target))
    if is_read_only(folder):
        raise _Refused(f"folder {quoted(folder)} is read-only")


def _write(image, xmp, target: str, before, snapshot) -> None:
    """Write ``xmp`` through ``image`` and replace ``target`` with the result (atomically). ``snapshot``:
    the embedded image's other metadata, which must come out unchanged (None for a sidecar).

    Raises:
        _Refused: a read-only file, libexiv2 cannot write, or it would change the other metadata.
    """
    _check_writable(target, before)
    image.setXmpData(xmp)
    try:
        image.writeMetadata()
    except exiv2.Exiv2Error as exc:
        raise _Refused(f"cannot write its metadata: {exc.args[-1] if exc.args else exc}") from None
    out = bytes(image.io().mmap())
    if snapshot is not None and _snapshot(_open(out)) != snapshot:
        raise _Refused("libexiv2 would change its EXIF, IPTC or ICC profile; left untouched (use a sidecar)")
    _replace_atomically(target, out, before)


def write_verdict(photo: str | os.PathLike, verdict: Verdict, mode: str = "sidecar",
                  naming: str = NAMING_APPEND, root: str = DEFAULT_ROOT, dry_run: bool = False,
                  replace_hand: bool = False) -> TagOutcome:
    """Store ``verdict`` for ``photo`` as XMP keywords (see the module docstring for what and where).

    Args:
        photo: the photo file.
        verdict: what to store; an uncertain verdict is stored as such (callers decide whether to write one).
        mode: ``"sidecar"`` (the photo is not touched) or ``"embed"`` (into the photo's own XMP).
        naming: sidecar name, :data:`NAMING_APPEND` (``photo.jpg.xmp``) or :data:`NAMING_REPLACE` (``photo.xmp``).
        root: root of the hierarchical keyword (``"Animals"`` -> ``Animals|Cat``).
        dry_run: work out the change, write nothing (action ``"would write"``).
        replace_hand: replace a verdict set by hand with a model's (default: keep it, action ``"kept"``).

    Returns:
        A :class:`TagOutcome`; per-file problems (read-only file or folder, unsupported format, damaged metadata,
        file changed meanwhile, a sidecar holding another photo's verdict, an unreadable photo) are action
        ``"error"``, not raised. A sidecar written for another photo under this name is replaced (module docstring).

    Raises:
        ValueError: unknown ``mode`` or ``naming``.
    """
    photo = os.fspath(photo)
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; expected one of {MODES}")
    # embed: into the real file behind a symbolic link (replacing the link would leave the photo untagged)
    target = sidecar_path(photo, naming) if mode == "sidecar" else os.path.realpath(photo)
    try:
        before, data, before_image = _read_target(target, mode)
        if mode == "embed" and before_image.checkMode(exiv2.MetadataId.mdXmp) != exiv2.AccessMode.amReadWrite:
            raise _Refused(f"libexiv2 cannot write XMP into {before_image.mimeType()} files; use a sidecar")
        image = before_image if before_image is not None else exiv2.ImageFactory.create(exiv2.ImageType.xmp)
        xmp = image.xmpData()
        other = _other_owner(xmp, photo, target, naming) if mode == "sidecar" else None
        if other is not None:  # replacing it would lose that photo's verdict
            raise _Refused(f"{quoted(os.path.basename(target))} holds the verdict of {quoted(os.path.basename(other))} "
                           "(same name before the extension); use photo.jpg.xmp sidecar naming")
        stored = _stored(xmp, photo, check_name=mode == "sidecar" and naming == NAMING_REPLACE)
        identity = _identify(photo) if mode == "sidecar" else ("", "")  # a sidecar for another photo: replaced
        stored = stored if mode == "embed" or _written_for(xmp, photo, identity) else None
        if stored is not None and stored.source == SOURCE_HAND and verdict.source != SOURCE_HAND \
                and not replace_hand:
            return TagOutcome(photo, target, "kept", reason=f"set by hand to {stored.verdict!r}")
        snapshot = _snapshot(image) if mode == "embed" else None
        previous = image.xmpPacket() if mode == "embed" else (data if before is not None else None)
        old = sorted((d.key(), d.toString()) for d in xmp)
        added, removed = _apply(xmp, photo, verdict, root, identity)
        if sorted((d.key(), d.toString()) for d in xmp) == old:
            return TagOutcome(photo, target, "unchanged")
        if dry_run:
            _check_writable(target, before)  # a read-only file or folder: reported as the real write would
            return TagOutcome(photo, target, "would write", added, removed)
        _write(image, xmp, target, before, snapshot)
    except _Refused as exc:
        return TagOutcome(photo, target, "error", reason=str(exc))
    except OSError as exc:
        return TagOutcome(photo, target, "error", reason=exc.strerror or str(exc))
    except (exiv2.Exiv2Error, SystemError, UnicodeError) as exc:  # the binding's own, on odd input
        return TagOutcome(photo, target, "error", reason=f"libexiv2: {exc}")
    return TagOutcome(photo, target, "written", added, removed, undo=(mode, previous, _identity(target)))


def follow_moves(outcomes: Sequence[TagOutcome], moved: Mapping[str, str]) -> list[TagOutcome]:
    """The same outcomes after files were moved (e.g. by Move to Folders and its undo), so that
    :func:`undo_write` finds what was written at its new place.

    Args:
        outcomes: :func:`write_verdict` outcomes (an undo journal).
        moved: old path -> new path of every file moved: the photos and their sidecars
            (:attr:`catdog_gui.core.sorting.SortReport.done` and ``.sidecars``).

    Returns:
        One outcome per input, its ``path`` and ``target`` replaced where they were moved. A move keeps the
        file's inode and mtime on one file system, so the undo still recognises the file; a move across file
        systems does not, and the undo then leaves that file as it is and says so.
    """
    return [replace(o, path=moved.get(o.path, o.path), target=moved.get(o.target, o.target)) for o in outcomes]


def undo_write(outcome: TagOutcome) -> TagOutcome:
    """Put back what :func:`write_verdict` replaced: the previous sidecar (or none: the new one is deleted),
    or the photo's previous XMP (a photo that had none gets its XMP removed again; for a JPEG that gives
    back the very same bytes). Written atomically like :func:`write_verdict`; a file changed since the
    write (by another program, or a later write) is left as it is.

    Returns:
        A :class:`TagOutcome` with action ``"undone"``, or ``"error"`` with the reason (nothing to undo,
        changed since, read-only, ...).
    """
    if outcome.action != "written" or outcome.undo is None:
        return TagOutcome(outcome.path, outcome.target, "error", reason="nothing was written")
    mode, previous, written = outcome.undo
    target = outcome.target
    try:
        if _identity(target) != written:
            raise _Refused("changed since catdog wrote it; left as it is")
        if mode == "sidecar" and previous is None:
            if is_read_only(os.path.dirname(os.path.abspath(target))):
                raise _Refused("folder is read-only")
            os.unlink(resolve_target(target)[0])  # a symbolic link stays, leading nowhere as before
        elif mode == "sidecar":
            _replace_atomically(target, previous, written)
        else:
            with open(target, "rb") as f:
                image = _open(f.read())
            snapshot = _snapshot(image)
            image.clearXmpData()
            image.clearXmpPacket()
            if previous:
                image.setXmpPacket(previous)
                image.writeXmpFromPacket(True)  # the packet as it was, not re-serialised
            image.writeMetadata()
            out = bytes(image.io().mmap())
            if _snapshot(_open(out)) != snapshot:
                raise _Refused("libexiv2 would change its EXIF, IPTC or ICC profile; left as it is")
            _replace_atomically(target, out, written)
    except _Refused as exc:
        return TagOutcome(outcome.path, target, "error", reason=str(exc))
    except (OSError, exiv2.Exiv2Error) as exc:
        return TagOutcome(outcome.path, target, "error", reason=getattr(exc, "strerror", None) or str(exc))
    return TagOutcome(outcome.path, target, "undone", removed=outcome.added, added=outcome.removed)
