"""Expand files and folders into the image files to classify: recursive, de-duplicated, safe.

A file counts as an image candidate when its extension is a known image extension (any case) or, for
files without such an extension, when its first bytes carry a known image signature; the decoder then
identifies the real format from the content. Folder walks survive symlink loops and unreadable folders, and
do not follow a folder link (symlink, Windows junction) that leads outside the folders named: a run such as
``catdog-classify album --sort-into sorted --move`` then never touches a photo elsewhere (``album/up -> ..``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["IMAGE_EXTENSIONS", "is_image_candidate", "ScanReport", "iter_image_paths", "scan_paths"]

IMAGE_EXTENSIONS = frozenset({
    ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".bmp", ".dib", ".gif", ".tif", ".tiff",
    ".heic", ".heif", ".avif", ".ppm", ".pgm", ".pbm", ".pnm", ".tga", ".ico", ".jp2", ".j2k",
})

# Leading bytes of image formats (file signatures), for files with no or an unknown extension.
_SIGNATURES = (
    b"\xff\xd8\xff",            # JPEG
    b"\x89PNG\r\n\x1a\n",        # PNG
    b"GIF87a", b"GIF89a",       # GIF
    b"BM",                      # BMP
    b"II*\x00", b"MM\x00*",     # TIFF
    b"\x00\x00\x01\x00",        # ICO
    b"\x00\x00\x00\x0cjP  \r\n\x87\n",  # JPEG 2000
)
# ISO base media brands of HEIF/HEIC (iPhone photos) and AVIF stills and sequences.
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1",
                b"avif", b"avis")
_APPLEDOUBLE_MAGIC = b"\x00\x05\x16\x07"  # "._name" resource-fork files that macOS leaves on shared drives


def heif_kind(head: bytes) -> str | None:
    """``"AVIF"`` or ``"HEIC"`` when the first 12 bytes of a file are an ISO base media ``ftyp`` box with a
    HEIF or AVIF brand (see ``_HEIF_BRANDS``), else None (other ISO media, such as an MP4 video, included)."""
    if head[4:8] != b"ftyp" or head[8:12] not in _HEIF_BRANDS:
        return None
    return "AVIF" if head[8:12].startswith(b"avi") else "HEIC"


def _has_image_signature(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError:
        return False
    if head.startswith(_SIGNATURES):
        return True
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return True
    return heif_kind(head) is not None


def _is_appledouble(path: Path) -> bool:
    """True for macOS "._IMG_0001.JPG" metadata companions (not images, despite the extension)."""
    if not path.name.startswith("._"):
        return False
    try:
        with open(path, "rb") as f:
            return f.read(4) == _APPLEDOUBLE_MAGIC
    except OSError:
        return False


SIDECAR_SUFFIX = ".xmp"  # XMP sidecars beside photos (catdog-classify --write-tags, digiKam, darktable, Lightroom)
SORT_JOURNAL_NAME = ".catdog-sort-journal.jsonl"  # core.sorting's undo journal in a sort's target folder


def is_image_candidate(path: str | os.PathLike) -> bool:
    """True when ``path`` looks like an image: a known extension, or known leading bytes."""
    p = Path(path)
    if p.suffix.lower() in IMAGE_EXTENSIONS:
        return True
    return _has_image_signature(p)


@dataclass
class ScanReport:
    """What a scan found besides the images.

    Attributes:
        skipped_non_images: files seen in folders that are not images (no row each), special files (named
            pipes, sockets, devices: never opened, as reading one can block) included; XMP sidecars
            (``photo.jpg.xmp``, ``photo.xmp``) are not counted: they belong to the photos; nor is the journal
            a sort leaves in its target (``.catdog-sort-journal.jsonl``).
        missing: paths given explicitly that do not exist (an empty or blank path among them: it names nothing,
            not the current folder).
        unreadable_dirs: folders that could not be listed (their photos are not yielded; no row each, as a
            folder is not a photo: callers count and name them instead).
        unreadable_why: why each of ``unreadable_dirs`` could not be read (``"Permission denied"``).
        outside_links: folder links (symlinks, junctions) met inside a named folder that lead outside every
            folder named, as found (not resolved); not followed, so their photos are not yielded. A link named
            itself is followed: the user chose it.
    """

    skipped_non_images: int = 0
    missing: list[str] = field(default_factory=list)
    unreadable_dirs: list[str] = field(default_factory=list)
    unreadable_why: dict[str, str] = field(default_factory=dict)
    outside_links: list[str] = field(default_factory=list)

    def unreadable(self, folder: str | os.PathLike, exc: OSError) -> None:
        """Record that ``folder`` could not be read, and why (``exc``)."""
        self.unreadable_dirs.append(os.fspath(folder))
        self.unreadable_why[os.fspath(folder)] = exc.strerror or str(exc)


def iter_image_paths(paths: Iterable[str | os.PathLike], report: ScanReport | None = None,
                     known: Iterable[str] = ()) -> Iterator[str]:
    """Yield each image file under ``paths`` once, in a stable order (folders sorted by name).

    Files named explicitly are yielded even when they do not look like images (the user asked for them,
    so they get a row, possibly an error row). Files found inside folders are yielded only when
    :func:`is_image_candidate` (and not a macOS ``._name`` AppleDouble companion); the others are counted
    in ``report.skipped_non_images``, special files (pipes, sockets, devices) too, which are never opened. A
    broken symlink is treated like a file: named like an image it is yielded (the user then sees an error row
    for it, not a silent gap), otherwise it is counted as skipped.
    A file reached twice (named twice, through a symlink, or in two overlapping folders) is yielded once.
    Folders are searched recursively; a folder link inside them is followed only when its real target lies
    inside one of the folders named (others go to ``report.outside_links``), so the walk never leaves them.

    Args:
        paths: files and folders.
        report: filled with what was skipped; optional.
        known: paths met before (the rows already in the app's table): a file that is one of them, reached now
            by another path (a symlink, a folder link), is yielded as that known path, so it stays one row.

    Yields:
        Absolute paths (str) as the user would recognise them (symlinks not resolved), or a ``known`` one.
    """
    paths = list(paths)
    walker = _Walker(report if report is not None else ScanReport(), known)
    named = [Path(os.path.abspath(os.fspath(raw))) for raw in paths if os.fspath(raw).strip()]
    # files named on their own get a row even when a folder named too holds them: not "skipped" there as well
    walker.named = {_identity(p) for p in named}
    walker.roots = [_identity(p) for p in named if p.is_dir()]  # a folder link may lead anywhere inside these
    for raw in paths:
        if not os.fspath(raw).strip():  # "" (an unset "$DIR" in a script) names no file; abspath would make it "."
            walker.report.missing.append(os.fspath(raw))
            continue
        p = Path(os.path.abspath(os.fspath(raw)))
        if p.is_dir():
            yield from walker.walk(p)
        elif not (p.exists() or p.is_symlink()):
            walker.report.missing.append(str(p))
        elif walker.first_time(p):
            yield walker.as_known(p)


def _identity(p: Path) -> str:
    try:
        return os.path.normcase(os.path.realpath(p))
    except OSError:
        return os.path.normcase(os.path.abspath(p))


def _inside(real: str, root: str) -> bool:
    """True when the resolved path ``real`` is the folder ``root`` or lies under it (both :func:`_identity`)."""
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _is_link(entry: os.DirEntry) -> bool:
    """True for a symlink, or a Windows junction (Python 3.12+ tells them apart from plain folders)."""
    return entry.is_symlink() or bool(getattr(entry, "is_junction", lambda: False)())


class _Walker:
    """One :func:`iter_image_paths` call's walk: the files already yielded, the folders already entered."""

    def __init__(self, report: ScanReport, known: Iterable[str] = ()) -> None:
        self.report = report
        self.seen_files: set[str] = set()
        self.seen_dirs: set[tuple[int, int] | str] = set()
        self.named: set[str] = set()  # identities of the files named on their own (they get a row)
        self.roots: list[str] = []  # identities of the folders named: the walk stays inside them
        self.known = {_identity(Path(k)): k for k in known}  # identity -> the path met before

    def first_time(self, p: Path) -> bool:
        """True the first time a file (by its resolved path) is met."""
        k = _identity(p)
        if k in self.seen_files:
            return False
        self.seen_files.add(k)
        return True

    def as_known(self, p: Path) -> str:
        """``p`` as the path it was met by before (``known``), else as it is."""
        return self.known.get(_identity(p), str(p)) if self.known else str(p)

    def leads_outside(self, entry: os.DirEntry) -> bool:
        """True for a folder link whose real target lies outside every named folder (recorded as such)."""
        if not _is_link(entry) or any(_inside(_identity(Path(entry.path)), root) for root in self.roots):
            return False
        self.report.outside_links.append(entry.path)
        return True

    def _entries(self, folder: Path) -> list[os.DirEntry]:
        """The folder's entries by name, symbolic links last; none when it cannot be read (recorded) or was
        entered before."""
        try:
            st = folder.stat()
        except OSError as exc:
            self.report.unreadable(folder, exc)
            return []
        # (device, inode) identifies a folder, except on mounts that report inode 0 for everything (sshfs-win,
        # Google Drive File Stream, some SMB/FAT mounts): there the resolved path is the identity.
        ident = (st.st_dev, st.st_ino) if st.st_ino else _identity(folder)
        if ident in self.seen_dirs:  # symlink loop or a folder reached twice
            return []
        self.seen_dirs.add(ident)
        try:
            # links after the real entries: a photo reached both ways is listed under its real path
            return sorted(os.scandir(folder), key=lambda e: (_is_link(e), e.name))
        except OSError as exc:
            self.report.unreadable(folder, exc)
            return []

    def _skip(self, p: Path) -> None:
        """Count ``p`` as a skipped non-image, unless it was named on its own (it gets a row then)."""
        if _identity(p) not in self.named:
            self.report.skipped_non_images += 1

    def walk(self, folder: Path) -> Iterator[str]:
        for entry in self._entries(folder):
            p = Path(entry.path)
            try:
                if entry.is_dir():
                    if not self.leads_outside(entry):
                        yield from self.walk(p)
                    continue
                special = not entry.is_file() and not (entry.is_symlink() and not p.exists())
            except OSError:
                continue
            if p.suffix.lower() == SIDECAR_SUFFIX or p.name == SORT_JOURNAL_NAME:
                continue  # an XMP sidecar (ours, or a photo manager's), or catdog's sort journal: not a skipped file
            if special or not is_image_candidate(p) or _is_appledouble(p):
                self._skip(p)  # a pipe, socket or device is never opened: reading one can block
            elif self.first_time(p):
                yield self.as_known(p)


def scan_paths(paths: Iterable[str | os.PathLike]) -> tuple[list[str], ScanReport]:
    """Collect :func:`iter_image_paths` into a list; returns ``(image_paths, report)``."""
    report = ScanReport()
    return list(iter_image_paths(paths, report)), report
