"""catdog_gui.core.xmp: verdicts as XMP keywords, read back by an independent reader (exiftool).

exiftool is Debian's ``libimage-exiftool-perl``; ``.ci/run`` installs it when it is missing, so these tests
skip only on a developer machine without it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import exiv2
import pytest
from PIL import Image, ImageCms

from catdog_gui.core import xmp
from catdog_gui.core.xmp import (NAMING_REPLACE, Verdict, read_verdict, sidecar_path, undo_write,
                                 write_verdict)

EXIFTOOL = shutil.which("exiftool")
needs_exiftool = pytest.mark.skipif(EXIFTOOL is None, reason="exiftool not installed (apt-get install "
                                                              "libimage-exiftool-perl; .ci/run does it)")
CAT = Verdict(label="cat", confidence=0.9731, model="catdog-xception.onnx", model_digest="ab" * 32)
DOG = Verdict(label="dog", confidence=0.88, model="catdog-xception.onnx", model_digest="ab" * 32)


def exiftool(*args: str | os.PathLike) -> list[dict]:
    """exiftool's JSON for the files in ``args`` (one dict per file)."""
    out = subprocess.run([EXIFTOOL, "-j", "-G1", *map(str, args)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def as_list(value) -> list:
    return [] if value is None else value if isinstance(value, list) else [value]


def pixels(path: Path) -> bytes:
    with Image.open(path) as im:
        im.load()
        return im.mode.encode() + repr(im.size).encode() + im.tobytes()


def no_temporary_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.startswith(".catdog-")]


@pytest.fixture
def photo(tmp_path, cat_photos) -> Path:
    """A real cat photo copied into a writable temporary folder."""
    dst = tmp_path / "cat.jpg"
    shutil.copyfile(cat_photos[0], dst)
    return dst


def with_metadata(src: Path, dst: Path, fmt: str) -> Path:
    """``src`` re-saved as ``fmt`` with EXIF (camera, date, orientation) and an sRGB ICC profile."""
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112], exif[0x0132] = "Canon", "EOS 5D", 6, "2024:05:06 07:08:09"
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    with Image.open(src) as im:
        im.convert("RGB").save(dst, fmt, exif=exif.tobytes(), icc_profile=icc)
    return dst


# ------------------------------------------------------------------------------------------------ sidecars

def test_sidecar_names():
    assert sidecar_path("/a/photo.jpg") == "/a/photo.jpg.xmp"
    assert sidecar_path("/a/photo.jpg", NAMING_REPLACE) == "/a/photo.xmp"
    with pytest.raises(ValueError, match="naming"):
        sidecar_path("/a/photo.jpg", "darktable")


@needs_exiftool
def test_sidecar_read_back_by_exiftool(photo):
    before = photo.read_bytes()
    out = write_verdict(photo, CAT)
    assert out.action == "written" and out.target == str(photo) + ".xmp"
    assert out.added == ("Cat", "Animals|Cat")
    assert photo.read_bytes() == before  # the photo is not touched
    (tags,) = exiftool(out.target)
    assert as_list(tags["XMP-dc:Subject"]) == ["Cat"]
    assert as_list(tags["XMP-lr:HierarchicalSubject"]) == ["Animals|Cat"]
    assert tags["XMP-catdog:Verdict"] == "cat" and float(tags["XMP-catdog:Confidence"]) == pytest.approx(0.9731)
    assert tags["XMP-catdog:ModelFile"] == "catdog-xception.onnx" and tags["XMP-catdog:ModelSHA256"] == "ab" * 32
    assert read_verdict(photo) == CAT
    assert write_verdict(photo, CAT).action == "unchanged"  # a second run rewrites nothing
    assert no_temporary_files(photo.parent)


@needs_exiftool
def test_sidecar_merge_keeps_what_is_there(photo):
    """An existing sidecar (another program's keywords, rating, title) keeps all of it; a new verdict replaces
    only the keywords catdog added, and a keyword the user had already is never taken away."""
    sidecar = Path(str(photo) + ".xmp")
    subprocess.run([EXIFTOOL, "-q", "-o", str(sidecar), "-XMP-dc:Subject=Garden", "-XMP-dc:Subject=Cat",
                    "-XMP-lr:HierarchicalSubject=Places|Garden", "-XMP-xmp:Rating=4", "-XMP-dc:Title=Tom"],
                   check=True)
    assert write_verdict(photo, CAT).added == ("Animals|Cat",)  # "Cat" was the user's already
    out = write_verdict(photo, DOG)
    assert out.added == ("Dog", "Animals|Dog") and out.removed == ("Animals|Cat",)
    (tags,) = exiftool(sidecar)
    assert sorted(as_list(tags["XMP-dc:Subject"])) == ["Cat", "Dog", "Garden"]
    assert sorted(as_list(tags["XMP-lr:HierarchicalSubject"])) == ["Animals|Dog", "Places|Garden"]
    assert tags["XMP-xmp:Rating"] == 4 and tags["XMP-dc:Title"] == "Tom"
    assert read_verdict(photo).label == "dog"


@needs_exiftool
def test_uncertain_and_hand_verdicts(photo):
    out = write_verdict(photo, Verdict("dog", 0.55, uncertain=True))
    assert out.added == ("Uncertain", "Animals|Uncertain")
    assert exiftool(out.target)[0]["XMP-catdog:Verdict"] == "uncertain"
    hand = Verdict("cat", source="hand")
    assert write_verdict(photo, hand).removed == ("Uncertain", "Animals|Uncertain")
    kept = write_verdict(photo, DOG)  # a model run does not overrule a person
    assert kept.action == "kept" and "hand" in kept.reason
    assert read_verdict(photo).source == "hand" and read_verdict(photo).label == "cat"
    assert write_verdict(photo, DOG, replace_hand=True).action == "written"


def test_lightroom_naming_and_shared_stem(tmp_path, cat_photos):
    """photo.xmp names the photo it describes: photo.png does not take photo.jpg's verdict."""
    jpg = tmp_path / "photo.jpg"
    shutil.copyfile(cat_photos[1], jpg)
    png = tmp_path / "photo.png"
    with Image.open(cat_photos[1]) as im:
        im.save(png)
    out = write_verdict(jpg, CAT, naming=NAMING_REPLACE)
    assert out.target == str(tmp_path / "photo.xmp") and out.action == "written"
    assert read_verdict(jpg, NAMING_REPLACE) == CAT
    assert read_verdict(jpg) == CAT  # found under either naming
    assert read_verdict(png, NAMING_REPLACE) is None


def test_shared_sidecar_of_another_photo_is_not_replaced(tmp_path, cat_photos, dog_photos):
    """pet.jpg and pet.png both map to pet.xmp under Lightroom naming: the batch check names the pair, and a
    pet.xmp holding pet.png's verdict is not replaced by pet.jpg's (only once pet.png is gone)."""
    jpg = tmp_path / "pet.jpg"
    shutil.copyfile(cat_photos[2], jpg)
    png = tmp_path / "pet.png"
    with Image.open(dog_photos[2]) as im:
        im.save(png)
    other = tmp_path / "other.jpg"
    shutil.copyfile(cat_photos[3], other)
    photos = [str(jpg), str(png), str(other), str(jpg)]
    assert xmp.shared_sidecars(photos, NAMING_REPLACE) == {str(jpg): (str(png),), str(png): (str(jpg),)}
    assert xmp.shared_sidecars(photos) == {}  # photo.jpg.xmp: no clash
    assert write_verdict(png, DOG, naming=NAMING_REPLACE).action == "written"
    sidecar = (tmp_path / "pet.xmp").read_bytes()
    out = write_verdict(jpg, CAT, naming=NAMING_REPLACE)
    assert out.action == "error" and "'pet.png'" in out.reason and "'pet.xmp'" in out.reason
    assert (tmp_path / "pet.xmp").read_bytes() == sidecar and read_verdict(png, NAMING_REPLACE) == DOG
    assert write_verdict(jpg, CAT).action == "written"  # pet.jpg.xmp is its own
    png.unlink()  # pet.xmp now describes no existing photo: it may be replaced
    assert write_verdict(jpg, CAT, naming=NAMING_REPLACE).action == "written"
    assert read_verdict(jpg, NAMING_REPLACE) == CAT


def test_dry_run_writes_nothing(photo):
    out = write_verdict(photo, CAT, dry_run=True)
    assert out.action == "would write" and out.added == ("Cat", "Animals|Cat")
    assert sorted(p.name for p in photo.parent.iterdir()) == ["cat.jpg"]
    before = photo.read_bytes()
    assert write_verdict(photo, CAT, mode="embed", dry_run=True).action == "would write"
    assert photo.read_bytes() == before


# ------------------------------------------------------------------------------------------------ embedding

@needs_exiftool
@pytest.mark.parametrize("fmt,ext", [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp"), ("TIFF", "tif")])
def test_embed_keeps_pixels_and_other_metadata(tmp_path, cat_photos, fmt, ext):
    path = with_metadata(cat_photos[2], tmp_path / f"photo.{ext}", fmt)
    px, size = pixels(path), path.stat().st_size
    with Image.open(path) as im:
        icc, exif_bytes = im.info.get("icc_profile"), im.info.get("exif")
    (meta,) = exiftool("-EXIF:all", "-ICC_Profile:all", path)
    out = write_verdict(path, CAT, mode="embed")
    assert out.action == "written" and out.target == str(path), out.reason
    assert pixels(path) == px
    with Image.open(path) as im:
        assert im.info.get("icc_profile") == icc
        if fmt == "JPEG":  # libexiv2 keeps a JPEG's EXIF block byte for byte
            assert im.info.get("exif") == exif_bytes
    (after,) = exiftool("-EXIF:all", "-ICC_Profile:all", path)
    moved = ("SourceFile", "IFD0:StripOffsets")  # a TIFF's pixel strips move when its XMP grows (pixels checked)
    assert {k: v for k, v in after.items() if k not in moved} == {k: v for k, v in meta.items() if k not in moved}
    assert after["IFD0:Make"] == "Canon" and after["IFD0:Orientation"] == "Rotate 90 CW"
    (tags,) = exiftool(path)
    assert as_list(tags["XMP-dc:Subject"]) == ["Cat"] and as_list(tags["XMP-lr:HierarchicalSubject"]) == ["Animals|Cat"]
    assert path.stat().st_size > size and not os.path.exists(sidecar_path(path))
    assert read_verdict(path) == CAT
    assert no_temporary_files(tmp_path)


def test_embed_heic_reported_not_written(tmp_path, cat_photos):
    from pillow_heif import register_heif_opener

    register_heif_opener()
    path = tmp_path / "photo.heic"
    with Image.open(cat_photos[3]) as im:
        im.save(path)
    before = path.read_bytes()
    out = write_verdict(path, CAT, mode="embed")
    assert out.action == "error" and "heic" in out.reason and "sidecar" in out.reason
    assert path.read_bytes() == before
    assert write_verdict(path, CAT).action == "written"  # the sidecar works for any format
    assert read_verdict(path) == CAT


# ------------------------------------------------------------------------------------------------ safety

def test_read_only_file_and_folder_reported(photo):
    before = photo.read_bytes()
    photo.chmod(0o444)
    out = write_verdict(photo, CAT, mode="embed")
    assert out.action == "error" and "read-only" in out.reason
    assert photo.read_bytes() == before
    folder = photo.parent
    folder.chmod(0o555)
    try:
        out = write_verdict(photo, CAT)
        assert out.action == "error" and "read-only" in out.reason
        assert not os.path.exists(out.target)
    finally:
        folder.chmod(0o755)
        photo.chmod(0o644)


def test_file_modified_while_writing_is_left_untouched(photo, monkeypatch):
    """Another program changes the photo between our read and our rename: its change wins, ours is dropped."""
    real_fsync = os.fsync

    def fsync_then_someone_edits(fd):
        real_fsync(fd)
        with open(photo, "ab") as f:
            f.write(b"edited elsewhere")

    monkeypatch.setattr(os, "fsync", fsync_then_someone_edits)
    out = write_verdict(photo, CAT, mode="embed")
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert out.action == "error" and "modified while writing" in out.reason
    assert photo.read_bytes().endswith(b"edited elsewhere")
    assert read_verdict(photo) is None and no_temporary_files(photo.parent)


def test_interrupted_write_leaves_no_half_written_file(photo, monkeypatch):
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    for mode in ("embed", "sidecar"):
        with pytest.raises(KeyboardInterrupt):
            write_verdict(photo, CAT, mode=mode)
    assert hashlib.sha256(photo.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in photo.parent.iterdir()) == ["cat.jpg"]


def test_damaged_sidecar_reported(photo):
    sidecar = Path(sidecar_path(photo))
    sidecar.write_text("<x:xmpmeta> not XML at all")
    out = write_verdict(photo, CAT)
    assert out.action == "error" and "metadata" in out.reason
    assert sidecar.read_text() == "<x:xmpmeta> not XML at all"
    assert read_verdict(photo) is None


def test_arguments_checked(photo):
    with pytest.raises(ValueError, match="mode"):
        write_verdict(photo, CAT, mode="inline")
    assert stat.S_IMODE(photo.stat().st_mode) & 0o200
    assert xmp.keywords_for(CAT, root="") == ("Cat", "Cat")


def test_flat_hierarchy_records_its_keyword_once(photo):
    """``--tag-root ''``: dc:subject and lr:hierarchicalSubject both get "Cat"; catdog's own list of the
    keywords it added (what a later run may remove) holds it once, not twice."""
    out = write_verdict(photo, CAT, root="")
    assert out.action == "written" and out.added == ("Cat",)
    text = Path(sidecar_path(photo)).read_text()
    own = re.search(r"<catdog:Keywords>(.*?)</catdog:Keywords>", text, re.S)
    assert own is not None, text
    assert re.findall(r"<rdf:li>([^<]*)</rdf:li>", own.group(1)) == ["Cat"]


# ------------------------------------------------------------------------------------------------ undo

def test_undo_puts_back_what_was_there(photo, tmp_path, cat_photos):
    new = write_verdict(photo, CAT)
    assert undo_write(new).action == "undone" and not os.path.exists(new.target)  # a sidecar catdog made
    sidecar = Path(sidecar_path(photo))
    subprocess.run([shutil.which("exiftool") or "false", "-q", "-o", str(sidecar), "-XMP-dc:Subject=Garden"],
                   check=False)
    if not sidecar.exists():  # no exiftool: a sidecar another catdog verdict wrote
        write_verdict(photo, DOG, root="Pets")
    before = sidecar.read_bytes()
    merged = write_verdict(photo, CAT)
    assert merged.action == "written" and sidecar.read_bytes() != before
    assert undo_write(merged).action == "undone" and sidecar.read_bytes() == before
    assert undo_write(merged).action == "error"  # twice: the file is not what catdog wrote any more

    jpeg = with_metadata(cat_photos[4], tmp_path / "embedded.jpg", "JPEG")
    original = jpeg.read_bytes()
    embedded = write_verdict(jpeg, CAT, mode="embed")
    assert embedded.action == "written" and jpeg.read_bytes() != original
    assert undo_write(embedded).action == "undone"
    assert jpeg.read_bytes() == original  # no XMP before: removed again, byte for byte
    again = write_verdict(jpeg, CAT, mode="embed")
    with open(jpeg, "ab") as f:  # another program changes the photo after catdog's write
        f.write(b"later edit")
    refused = undo_write(again)
    assert refused.action == "error" and "changed since" in refused.reason
    assert jpeg.read_bytes().endswith(b"later edit")
    assert no_temporary_files(tmp_path)


@pytest.mark.skipif(os.name != "posix" or os.uname().sysname == "Darwin", reason="needs byte file names (Linux)")
def test_file_name_that_is_not_utf8(tmp_path, cat_photos):
    """Linux hands Python such a name with lone surrogates (PEP 383); it is stored with \\xNN escapes."""
    photo = os.path.join(os.fsdecode(tmp_path), os.fsdecode(b"caf\xe9.jpg"))
    shutil.copyfile(cat_photos[5], photo)
    for mode in ("embed", "sidecar"):
        assert write_verdict(photo, CAT, mode=mode).action == "written"
    assert read_verdict(photo) == CAT
    assert os.path.exists(os.fsdecode(os.fsencode(photo) + b".xmp"))


def test_split_tagged(tmp_path, cat_photos):
    """Tagged by this model or by hand: skipped; by another model, or not at all: to classify."""
    photos = []
    for i, src in enumerate(cat_photos[:4]):
        photos.append(str(tmp_path / f"p{i}.jpg"))
        shutil.copyfile(src, photos[-1])
    write_verdict(photos[0], CAT)
    write_verdict(photos[1], Verdict("dog", 0.9, model_digest="cd" * 32))
    write_verdict(photos[2], Verdict("dog", 1.0, source="hand"), mode="embed")
    todo, tagged, changed = xmp.split_tagged(photos, "ab" * 32)
    assert todo == [photos[1], photos[3]] and changed == []
    assert tagged == {photos[0]: CAT, photos[2]: Verdict("dog", 1.0, source="hand")}


# ------------------------------------------------------------------ a sidecar names the photo it was written for

@pytest.fixture
def pets(data_dir, tmp_path) -> tuple[Path, Path, Path]:
    """(pet1.jpg: a cat photo, pet2.jpg: another cat photo, a dog photo outside the folder), from pets-ood-val."""
    folder = tmp_path / "st"
    folder.mkdir()
    ood = data_dir / "pets-ood-val"
    shutil.copyfile(ood / "cat" / "cat_0000.jpg", folder / "pet1.jpg")
    shutil.copyfile(ood / "cat" / "cat_0001.jpg", folder / "pet2.jpg")
    shutil.copyfile(ood / "dog" / "dog_0001.jpg", tmp_path / "dog.jpg")
    return folder / "pet1.jpg", folder / "pet2.jpg", tmp_path / "dog.jpg"


def drop_identity(sidecar: Path) -> None:
    """Make ``sidecar`` what catdog wrote before sidecars recorded the photo: no PhotoSize, no PhotoSHA256."""
    image = exiv2.ImageFactory.open(str(sidecar))
    image.readMetadata()
    data = image.xmpData()
    for name in ("PhotoSize", "PhotoSHA256"):
        del data[f"Xmp.catdog.{name}"]
    image.setXmpData(data)
    image.writeMetadata()


@needs_exiftool
def test_sidecar_records_the_photo_and_a_photo_replaced_under_its_name_is_not_tagged(pets):
    pet1, pet2, dog = pets
    for p in (pet1, pet2):
        assert write_verdict(p, CAT).action == "written"
    (tags,) = exiftool(sidecar_path(pet1))  # an independent reader sees the identity, in catdog's namespace
    assert tags["XMP-catdog:PhotoSize"] == pet1.stat().st_size
    assert tags["XMP-catdog:PhotoSHA256"] == hashlib.sha256(pet1.read_bytes()).hexdigest()
    assert as_list(tags["XMP-dc:Subject"]) == ["Cat"]
    paths = [str(pet1), str(pet2)]
    assert xmp.split_tagged(paths, "ab" * 32) == ([], {str(pet1): CAT, str(pet2): CAT}, [])

    shutil.copyfile(dog, pet1)  # cp -f dog.jpg st/pet1.jpg: cameras reuse names like IMG_0001
    assert read_verdict(pet1) is None and read_verdict(pet2) == CAT
    assert xmp.split_tagged(paths, "ab" * 32) == ([str(pet1)], {str(pet2): CAT}, [str(pet1)])
    out = write_verdict(pet1, DOG)  # the photo classified again: its sidecar is rewritten
    assert out.action == "written" and out.added == ("Dog", "Animals|Dog") and out.removed == ("Cat", "Animals|Cat")
    assert read_verdict(pet1) == DOG
    assert exiftool(sidecar_path(pet1))[0]["XMP-catdog:PhotoSHA256"] == hashlib.sha256(dog.read_bytes()).hexdigest()
    assert xmp.split_tagged(paths, "ab" * 32) == ([], {str(pet1): DOG, str(pet2): CAT}, [])


def test_same_size_other_bytes_is_another_photo_and_a_moved_pair_keeps_its_verdict(pets, tmp_path):
    pet1, _, _ = pets
    assert write_verdict(pet1, CAT).action == "written"
    data = bytearray(pet1.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte of the image data changed, same size
    moved = tmp_path / "moved"
    moved.mkdir()
    shutil.move(pet1, moved / "IMG_0001.jpg")  # the photo and its sidecar moved and renamed together
    shutil.move(sidecar_path(pet1), sidecar_path(moved / "IMG_0001.jpg"))
    assert read_verdict(moved / "IMG_0001.jpg") == CAT
    (moved / "IMG_0001.jpg").write_bytes(bytes(data))
    assert read_verdict(moved / "IMG_0001.jpg") is None


def test_a_hand_verdict_written_for_another_photo_is_replaced(pets):
    pet1, _, dog = pets
    hand = Verdict("cat", source="hand")
    assert write_verdict(pet1, hand).action == "written"
    assert write_verdict(pet1, DOG).action == "kept"  # the person's verdict about this photo stands
    shutil.copyfile(dog, pet1)
    assert xmp.split_tagged([str(pet1)], "ab" * 32) == ([str(pet1)], {}, [str(pet1)])
    assert write_verdict(pet1, DOG).action == "written"  # that person judged the photo that was here before
    assert read_verdict(pet1) == DOG


def test_old_sidecar_without_identity_is_trusted_as_before(pets):
    pet1, _, dog = pets
    assert write_verdict(pet1, CAT).action == "written"
    drop_identity(Path(sidecar_path(pet1)))
    assert "PhotoSHA256" not in Path(sidecar_path(pet1)).read_text(encoding="utf-8")
    shutil.copyfile(dog, pet1)  # nothing tells that it changed
    assert read_verdict(pet1) == CAT
    assert xmp.split_tagged([str(pet1)], "ab" * 32) == ([], {str(pet1): CAT}, [])
    out = write_verdict(pet1, CAT)  # rewriting it records the identity (of the photo it now judges)
    assert out.action == "written" and not out.added and not out.removed
    assert "PhotoSHA256" in Path(sidecar_path(pet1)).read_text(encoding="utf-8")


def test_embedded_verdict_records_no_identity_and_stays_valid(pets):
    """The tag is inside the photo: the write itself changes the file's bytes, so no digest is recorded."""
    pet1, _, _ = pets
    assert write_verdict(pet1, CAT, mode="embed").action == "written"
    assert b"PhotoSHA256" not in pet1.read_bytes() and b"PhotoSize" not in pet1.read_bytes()
    assert read_verdict(pet1) == CAT
    assert xmp.split_tagged([str(pet1)], "ab" * 32) == ([], {str(pet1): CAT}, [])


def test_sidecar_of_an_unreadable_photo_is_not_written(pets):
    pet1, _, _ = pets
    pet1.unlink()
    out = write_verdict(pet1, CAT)
    assert out.action == "error" and "cannot read the photo" in out.reason
    assert not os.path.exists(sidecar_path(pet1))


def test_embed_through_a_symlink_tags_the_real_photo_and_keeps_the_link(tmp_path, cat_photos):
    real_dir, links = tmp_path / "real", tmp_path / "links"
    real_dir.mkdir()
    links.mkdir()
    real = real_dir / "cat.jpg"
    shutil.copyfile(cat_photos[0], real)
    link = links / "cat.jpg"
    link.symlink_to(os.path.relpath(real, links))
    pixels = Image.open(real).tobytes()
    out = write_verdict(link, Verdict("cat", 0.97), mode="embed")
    assert out.action == "written" and out.target == str(real), out.reason
    assert link.is_symlink() and os.readlink(link) == os.path.relpath(real, links)
    assert read_verdict(real).label == read_verdict(link).label == "cat"
    assert Image.open(real).tobytes() == pixels
    assert undo_write(out).action == "undone" and read_verdict(real) is None and link.is_symlink()


def test_embed_into_a_hard_linked_photo_keeps_one_file_under_both_names(tmp_path, cat_photos):
    a, b = tmp_path / "a.jpg", tmp_path / "b.jpg"
    shutil.copyfile(cat_photos[0], a)
    os.link(a, b)
    original = a.read_bytes()
    inode = a.stat().st_ino
    out = write_verdict(a, Verdict("dog", 0.91), mode="embed")
    assert out.action == "written"
    assert a.stat().st_ino == b.stat().st_ino == inode and a.stat().st_nlink == 2
    assert read_verdict(b).label == "dog" and a.read_bytes() == b.read_bytes() != original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jpg", "b.jpg"]  # no temporary file left
    assert Image.open(b).tobytes() == Image.open(io.BytesIO(original)).tobytes()
    assert undo_write(out).action == "undone"
    assert a.read_bytes() == b.read_bytes() == original and a.stat().st_ino == inode


def test_a_renamed_photo_keeps_its_verdict_in_its_own_sidecar_and_xmp(tmp_path, cat_photos):
    """Sorting renames x.jpg to x (1).jpg with x (1).jpg.xmp: the verdict still reads back (catdog:File names
    the old name, which matters only for a photo.xmp that photo.png could share)."""
    photo = tmp_path / "x.jpg"
    shutil.copyfile(cat_photos[0], photo)
    assert write_verdict(photo, Verdict("cat", 0.97)).action == "written"
    assert write_verdict(photo, Verdict("cat", 0.97), mode="embed").action == "written"
    os.rename(photo.with_name("x.jpg.xmp"), tmp_path / "x (1).jpg.xmp")
    os.rename(photo, tmp_path / "x (1).jpg")
    assert read_verdict(tmp_path / "x (1).jpg").label == "cat"
    os.unlink(tmp_path / "x (1).jpg.xmp")
    assert read_verdict(tmp_path / "x (1).jpg").label == "cat"  # from the embedded XMP
