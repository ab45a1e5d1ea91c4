"""catdog-classify --write-tags / --dry-run / --skip-tagged on real photos, read back with exiftool.

The issue's proof: 50 photos of ../shared/data/photos-fullsize (copied first: shared data is read-only) get
sidecars that exiftool reads with the keywords of the CSV's verdicts; embedding leaves their pixels and
other metadata identical; a second run with --skip-tagged classifies nothing and reports 50 already tagged.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from catdog_gui.cli import main
from catdog_gui.core.model import Engine

EXIFTOOL = shutil.which("exiftool")
needs_exiftool = pytest.mark.skipif(EXIFTOOL is None, reason="exiftool not installed (apt-get install "
                                                              "libimage-exiftool-perl; .ci/run does it)")


def exiftool(*args) -> list[dict]:
    out = subprocess.run([EXIFTOOL, "-j", "-G1", *map(str, args)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def as_list(value) -> list:
    return [] if value is None else value if isinstance(value, list) else [value]


def read_csv(path: Path) -> dict[str, dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return {row["path"]: row for row in csv.DictReader(f)}


def pixel_digest(path) -> str:
    with Image.open(path) as im:
        return hashlib.sha256(im.tobytes()).hexdigest()


@pytest.fixture
def fifty(data_dir, tmp_path) -> Path:
    """25 cat and 25 dog photos of photos-fullsize, copied into a writable folder."""
    folder = tmp_path / "photos"
    folder.mkdir()
    for kind in ("cat", "dog"):
        for src in sorted((data_dir / "photos-fullsize" / kind).glob("*.jpg"))[:25]:
            shutil.copyfile(src, folder / src.name)
    return folder


@pytest.mark.slow
@needs_exiftool
def test_fifty_photos_sidecars_then_skip_tagged(fifty, default_model_path, tmp_path, capsys):
    before = {p.name: p.read_bytes() for p in fifty.iterdir()}
    out1 = tmp_path / "first.csv"
    assert main([str(fifty), "--csv", str(out1), "--model", str(default_model_path), "--cpu", "-q",
                 "--write-tags", "sidecar", "--tag-uncertain"]) == 0
    printed = capsys.readouterr().out
    assert "Tags (sidecar photo.jpg.xmp): 50 written" in printed
    rows = read_csv(out1)
    assert len(rows) == 50 and all(r["status"] == "ok" for r in rows.values())
    assert {p.name: p.read_bytes() for p in fifty.glob("*.jpg")} == before  # photos untouched
    (ran_model,) = {r["model"] for r in rows.values()}
    int8 = default_model_path.with_name(default_model_path.stem + "-int8.onnx")
    assert ran_model == (int8.name if int8.is_file() else default_model_path.name)

    (threshold,) = {float(r["threshold"]) for r in rows.values()}  # the int8 file's own, when it ran
    ran = Engine(default_model_path.with_name(ran_model), providers=("CPUExecutionProvider",))
    assert threshold == ran.info.metadata["uncertain_threshold"]
    tags = {Path(t["SourceFile"]).name: t for t in exiftool(*sorted(fifty.glob("*.xmp")))}
    assert sorted(tags) == sorted(name + ".xmp" for name in before)
    uncertain = agree = 0
    for path, row in rows.items():
        t = tags[Path(path).name + ".xmp"]
        sure = float(row["confidence"]) >= threshold
        assert row["label"] == (row["top_label"] if sure else "uncertain")
        word = row["label"].capitalize()
        assert as_list(t["XMP-dc:Subject"]) == [word], path
        assert as_list(t["XMP-lr:HierarchicalSubject"]) == [f"Animals|{word}"], path
        assert t["XMP-catdog:Label"] == row["top_label"]
        assert float(t["XMP-catdog:Confidence"]) == pytest.approx(float(row["confidence"]), abs=5e-5)
        assert t["XMP-catdog:ModelFile"] == ran_model  # the file that really ran (int8 on the CPU when present)
        uncertain += not sure
        agree += row["top_label"] == Path(path).name.split(".")[0]  # cat.104.jpg was photographed as a cat
    assert agree >= 45 and uncertain <= 10, (agree, uncertain)

    out2 = tmp_path / "second.csv"
    assert main([str(fifty), "--csv", str(out2), "--model", str(default_model_path), "--cpu", "-q",
                 "--write-tags", "--skip-tagged"]) == 0
    printed = capsys.readouterr().out
    assert "Classified 0 image(s), 50 already tagged and not classified again in" in printed
    assert "Already tagged: 50 (not classified again" in printed
    again = read_csv(out2)
    assert {p: r["label"] for p, r in again.items()} == {p: r["label"] for p, r in rows.items()}
    assert all("read from XMP" in r["note"] for r in again.values())


@pytest.mark.slow
@needs_exiftool
def test_fifty_photos_embedded_keep_pixels_and_metadata(fifty, default_model_path, tmp_path, capsys):
    photos = sorted(fifty.glob("*.jpg"))
    pixels = {p.name: pixel_digest(p) for p in photos}
    keep = ["-a", "-all", "--XMP:all", "--System:all", "--File:FileSize"]  # what embedding must not change
    meta = {Path(m["SourceFile"]).name: m for m in exiftool(*keep, *photos)}
    out = tmp_path / "embed.csv"
    assert main([str(fifty), "--csv", str(out), "--model", str(default_model_path), "--cpu", "-q", "--no-tta",
                 "--write-tags", "embed", "--tag-uncertain"]) == 0
    assert "Tags (embedded): 50 written" in capsys.readouterr().out
    assert not list(fifty.glob("*.xmp")) and not list(fifty.glob(".catdog-*"))
    assert {p.name: pixel_digest(p) for p in photos} == pixels
    assert {Path(m["SourceFile"]).name: m for m in exiftool(*keep, *photos)} == meta
    rows = {Path(p).name: r for p, r in read_csv(out).items()}
    for t in exiftool(*photos):
        row = rows[Path(t["SourceFile"]).name]
        assert t["XMP-catdog:Label"] == row["top_label"]
        assert f"Animals|{row['label'].capitalize()}" in as_list(t["XMP-lr:HierarchicalSubject"]) or \
            t["XMP-catdog:Verdict"] == "uncertain"


def test_dry_run_lists_and_writes_nothing(tiny_model_path, cat_photos, tmp_path, capsys):
    folder = tmp_path / "p"
    folder.mkdir()
    for src in cat_photos[:3]:
        shutil.copyfile(src, folder / src.name)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert main([str(folder), "--csv", str(tmp_path / "o.csv"), "--model", str(tiny_model_path), "-q",
                 "--write-tags", "--tag-uncertain", "--dry-run", "--sidecar-naming", "replace"]) == 0
    printed = capsys.readouterr().out
    for name in before:
        assert f"would write {str(folder / Path(name).stem) + '.xmp'!r}" in printed
    assert "(dry run: nothing written): 3 to write" in printed
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


@pytest.mark.parametrize("dry_run", [False, True])
def test_read_only_photo_reported_not_fatal(tiny_model_path, cat_photos, tmp_path, capsys, dry_run):
    """A read-only photo is reported and the run goes on; exit 1, as not every photo it should tag was tagged
    (a script can tell). --dry-run predicts it the same way (it said 'would write' and exited 0)."""
    folder = tmp_path / "p"
    folder.mkdir()
    for src in cat_photos[:2]:
        shutil.copyfile(src, folder / src.name)
    locked = folder / cat_photos[0].name
    locked.chmod(0o444)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    out = tmp_path / "o.csv"
    assert main([str(folder), "--csv", str(out), "--model", str(tiny_model_path), "-q", "--write-tags", "embed",
                 "--tag-uncertain", *(["--dry-run"] if dry_run else [])]) == 1
    captured = capsys.readouterr()
    assert ("1 to write" if dry_run else "1 written") in captured.out and "1 could not be tagged" in captured.out
    assert f"not tagged: {str(locked)!r}: {locked.name!r} is read-only" in captured.err
    assert locked.read_bytes() == before[locked.name] and len(read_csv(out)) == 2
    if dry_run:
        assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # a dry run writes no tag


def test_dry_run_needs_write_tags(tiny_model_path, cat_photos, tmp_path, capsys):
    assert main([str(cat_photos[0]), "--csv", str(tmp_path / "o.csv"), "--model", str(tiny_model_path),
                 "--dry-run"]) == 2
    assert "--write-tags" in capsys.readouterr().err


def test_tags_without_csv(tiny_model_path, cat_photos, tmp_path, capsys):
    folder = tmp_path / "p"
    folder.mkdir()
    shutil.copyfile(cat_photos[0], folder / cat_photos[0].name)
    assert main([str(folder), "--model", str(tiny_model_path), "-q"]) == 2
    assert "--csv" in capsys.readouterr().err
    assert main([str(folder), "--model", str(tiny_model_path), "-q", "--write-tags", "--tag-uncertain"]) == 0
    printed = capsys.readouterr().out
    assert "1 written" in printed and "CSV:" not in printed
    assert sorted(p.name for p in folder.iterdir()) == [cat_photos[0].name, cat_photos[0].name + ".xmp"]


def test_photos_sharing_a_sidecar_name_are_reported_not_overwritten(tiny_model_path, cat_photos, dog_photos,
                                                                     tmp_path, capsys):
    """--sidecar-naming replace: pet.jpg and pet.png would both write pet.xmp, so neither is tagged and both
    are reported; the third photo is tagged as usual."""
    folder = tmp_path / "p"
    folder.mkdir()
    shutil.copyfile(cat_photos[0], folder / "pet.jpg")
    with Image.open(dog_photos[0]) as im:
        im.save(folder / "pet.png")
    shutil.copyfile(cat_photos[1], folder / "other.jpg")
    out = tmp_path / "o.csv"
    assert main([str(folder), "--csv", str(out), "--model", str(tiny_model_path), "-q", "--write-tags",
                 "--sidecar-naming", "replace", "--tag-uncertain"]) == 1  # two photos it should tag are not
    captured = capsys.readouterr()
    assert "1 written" in captured.out and "2 sharing a sidecar name not tagged" in captured.out
    for name, other in (("pet.jpg", "pet.png"), ("pet.png", "pet.jpg")):
        assert f"not tagged: {str(folder / name)!r}: shares 'pet.xmp' with {other!r}" in captured.err
    assert sorted(p.name for p in folder.glob("*.xmp")) == ["other.xmp"]
    assert all(r["status"] == "ok" for r in read_csv(out).values()) and len(read_csv(out)) == 3


@pytest.mark.parametrize("options", [["--tag-root", "Pets"], ["--sidecar-naming", "replace"], ["--tag-uncertain"],
                                     ["--tag-root", "Pets", "--tag-uncertain"]])
def test_tag_options_need_write_tags(options, cat_photos, tmp_path, capsys):
    """Tag options without --write-tags would do nothing: a usage error that names --write-tags."""
    out = tmp_path / "o.csv"
    assert main([str(cat_photos[0]), "--csv", str(out), *options]) == 2
    err = capsys.readouterr().err
    assert "--write-tags" in err and all(o in err for o in options if o.startswith("--"))
    assert not out.exists()


def test_sidecar_naming_serves_skip_tagged(tiny_model_path, cat_photos, tmp_path, capsys):
    """--skip-tagged reads the sidecars by --sidecar-naming, so that pair needs no --write-tags."""
    folder = tmp_path / "p"
    folder.mkdir()
    shutil.copyfile(cat_photos[0], folder / "pet.jpg")
    assert main([str(folder), "--model", str(tiny_model_path), "-q", "--write-tags", "--tag-uncertain",
                 "--sidecar-naming", "replace", "--tag-root", "Pets"]) == 0
    assert "Pets|" in (folder / "pet.xmp").read_text(encoding="utf-8")
    out = tmp_path / "o.csv"
    assert main([str(folder), "--csv", str(out), "--model", str(tiny_model_path), "-q", "--skip-tagged",
                 "--sidecar-naming", "replace"]) == 0
    assert "Already tagged: 1" in capsys.readouterr().out


@needs_exiftool
def test_skip_tagged_classifies_a_photo_replaced_under_its_name(data_dir, default_model_path, tmp_path, capsys):
    """Tag two cat photos, replace one by a dog photo under the same name (cameras reuse IMG_0001), run
    --skip-tagged: the replaced one is classified again (a dog), its note says why and its sidecar is
    rewritten; the untouched one is still skipped; an older catdog's sidecar (no identity) still counts."""
    ood = data_dir / "pets-ood-val"
    st = tmp_path / "st"
    st.mkdir()
    shutil.copyfile(ood / "cat" / "cat_0000.jpg", st / "pet1.jpg")
    shutil.copyfile(ood / "cat" / "cat_0001.jpg", st / "pet2.jpg")
    model = ["--model", str(default_model_path), "--cpu", "-q"]
    assert main([str(st), "--csv", str(tmp_path / "a.csv"), "--write-tags", *model]) == 0
    first = read_csv(tmp_path / "a.csv")
    assert {Path(p).name: r["label"] for p, r in first.items()} == {"pet1.jpg": "cat", "pet2.jpg": "cat"}
    capsys.readouterr()

    shutil.copyfile(ood / "dog" / "dog_0001.jpg", st / "pet1.jpg")  # cp -f dog.jpg st/pet1.jpg
    assert main([str(st), "--csv", str(tmp_path / "b.csv"), "--write-tags", "--skip-tagged", *model]) == 0
    printed = capsys.readouterr().out
    assert "Classified 1 image(s)" in printed and "Already tagged: 1 (not classified again" in printed
    assert "Photo changed since it was tagged: 1 (classified again" in printed
    assert "Tags (sidecar photo.jpg.xmp): 1 written" in printed
    rows = {Path(p).name: r for p, r in read_csv(tmp_path / "b.csv").items()}
    assert rows["pet1.jpg"]["label"] == "dog" and "photo changed since it was tagged" in rows["pet1.jpg"]["note"]
    assert "read from XMP" not in rows["pet1.jpg"]["note"]
    assert rows["pet2.jpg"]["label"] == "cat" and "read from XMP" in rows["pet2.jpg"]["note"]
    (tags,) = exiftool(st / "pet1.jpg.xmp")
    assert as_list(tags["XMP-dc:Subject"]) == ["Dog"] and tags["XMP-catdog:Label"] == "dog"
    assert tags["XMP-catdog:PhotoSHA256"] == hashlib.sha256((st / "pet1.jpg").read_bytes()).hexdigest()

    assert main([str(st), "--csv", str(tmp_path / "c.csv"), "--skip-tagged", *model]) == 0  # now both tagged
    printed = capsys.readouterr().out
    assert "Already tagged: 2" in printed and "Photo changed" not in printed

    # a sidecar written before catdog recorded the photo: nothing tells that the photo changed
    (st / "pet2.jpg.xmp").write_text(re.sub(r'\s*catdog:Photo(Size|SHA256)="[^"]*"', "",
                                            (st / "pet2.jpg.xmp").read_text(encoding="utf-8")), encoding="utf-8")
    shutil.copyfile(ood / "dog" / "dog_0001.jpg", st / "pet2.jpg")
    assert main([str(st), "--csv", str(tmp_path / "d.csv"), "--skip-tagged", *model]) == 0
    printed = capsys.readouterr().out
    assert "Already tagged: 2" in printed and "Photo changed" not in printed
    assert read_csv(tmp_path / "d.csv")[str(st / "pet2.jpg")]["label"] == "cat"  # as before: the tag is trusted


def test_a_photo_now_uncertain_that_keeps_an_earlier_verdict_is_reported(tiny_model_path, cat_photos, tmp_path,
                                                                         capsys):
    """Tagged Cat/Dog once, then found uncertain (a higher --threshold, another model): its sidecar keeps the
    old verdict, which photo managers still show; the summary says so and how to replace it."""
    from catdog_gui.core.xmp import read_verdict

    folder = tmp_path / "p"
    folder.mkdir()
    for src in cat_photos[:2]:
        shutil.copyfile(src, folder / src.name)
    common = [str(folder), "--model", str(tiny_model_path), "-q", "--write-tags"]
    assert main([*common, "--threshold", "0.5"]) == 0  # every photo decisive: tagged Cat or Dog
    assert all(not read_verdict(p).uncertain for p in folder.glob("*.jpg"))
    capsys.readouterr()
    assert main([*common, "--threshold", "0.9999"]) == 0  # the tiny model is never that sure: every photo uncertain, none tagged
    printed = capsys.readouterr().out
    assert "2 uncertain not tagged" in printed
    assert "2 uncertain photo(s) keep an earlier Cat/Dog verdict in their tags" in printed
    assert main([*common, "--threshold", "0.9999", "--tag-uncertain"]) == 0
    assert all(read_verdict(p).uncertain for p in folder.glob("*.jpg"))
    capsys.readouterr()
    assert main([*common, "--threshold", "0.9999"]) == 0
    assert "keep an earlier" not in capsys.readouterr().out  # tagged Uncertain now: nothing stale


def test_a_verdict_set_by_hand_in_the_tags_decides_the_folder_and_is_kept(tiny_model_path, hand_tagged, tmp_path,
                                                                          capsys):
    """A photo a person tagged by hand (the app's Mark as + Write Tags) is sorted by that verdict and listed in
    the CSV's label_by_person, with or without --skip-tagged, and --write-tags counts it as kept, also when the
    model finds the photo uncertain (it was counted as 'uncertain not tagged')."""
    folder, marked, other = hand_tagged
    common = [str(folder), "--model", str(tiny_model_path), "-q", "--threshold", "0.9999"]  # the model: uncertain
    assert main([*common, "--csv", str(tmp_path / "a.csv"), "--sort-into", str(tmp_path / "sorted"), "--copy"]) == 0
    assert "Set by hand in their tags: 1 photo(s)" in capsys.readouterr().out  # why the counts differ (tester 6)
    assert (tmp_path / "sorted" / "dog" / marked.name).is_file()
    assert (tmp_path / "sorted" / "uncertain" / other.name).is_file()
    rows = read_csv(tmp_path / "a.csv")
    assert rows[str(marked)]["label_by_person"] == "dog" and rows[str(other)]["label_by_person"] == ""
    assert rows[str(marked)]["label"] == "uncertain"  # the model's verdict stays in "label", as in the app
    capsys.readouterr()
    assert main([*common, "--write-tags", "--dry-run"]) == 0
    captured = capsys.readouterr()
    assert "1 set by hand kept, 1 uncertain not tagged" in captured.out, captured.out
    assert f"kept: {str(marked)!r}: set by hand to 'dog'" in captured.err, captured.err
    assert main([*common, "--skip-tagged", "--csv", str(tmp_path / "b.csv")]) == 0
    assert "Set by hand in their tags: 1 photo(s)" in capsys.readouterr().out  # also when read with the tags
    rows = read_csv(tmp_path / "b.csv")
    row = rows[str(marked)]
    # the person's verdict stands: not "uncertain" for want of a model confidence (tester 7)
    assert (row["label"], row["label_by_person"], row["uncertain_reason"]) == ("dog", "dog", ""), row
    # no model ran on it: no provider, precision or TTA claimed (the other photo was classified this run)
    assert (row["provider"], row["precision"], row["tta"], row["model"]) == ("", "", "", ""), row
    assert rows[str(other)]["provider"] == "CPUExecutionProvider" and rows[str(other)]["tta"] in ("flip", "none")
