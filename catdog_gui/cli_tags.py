"""The XMP-tag options of ``catdog-classify``: ``--write-tags``, ``--sidecar-naming``, ``--tag-uncertain``,
``--dry-run`` and ``--skip-tagged`` (the work itself is :mod:`catdog_gui.core.xmp`).

- ``--write-tags [sidecar|embed]`` stores each verdict as XMP keywords: in a sidecar beside the photo
  (default) or, only when asked, in the photo's own XMP. Uncertain photos (top probability below the
  threshold, or a degenerate input) get no tag unless ``--tag-uncertain``. ``--sidecar-naming`` names
  sidecars, so it is refused with ``--write-tags embed`` (unless ``--skip-tagged`` reads sidecars by it).
- ``--dry-run`` lists what ``--write-tags`` would change and writes no tag (and what ``--sort-into`` would
  copy or move, touching no photo: :mod:`catdog_gui.cli_sort`).
- ``--skip-tagged`` does not classify photos that already carry a verdict from the same model (same SHA-256)
  or one set by hand; their CSV rows come from the tags. A sidecar written for a different photo under the
  same name (the photo was replaced since; see :mod:`catdog_gui.core.xmp`) does not count: that photo is
  classified again, its CSV note says "photo changed since it was tagged" and ``--write-tags`` rewrites it.

Per-file problems (read-only file or folder, a format libexiv2 cannot write, a file changed meanwhile) are
reported on stderr and do not change the exit status.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Sequence

from catdog_gui.core.pathtext import quoted

__all__ = ["add_arguments", "check_arguments", "TagRun"]

_MAX_SHOWN = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the tag options to ``catdog-classify``'s parser."""
    from catdog_gui.core.xmp import DEFAULT_ROOT, MODES, NAMINGS

    g = parser.add_argument_group("XMP tags (read by digiKam, darktable, Lightroom and other photo managers)")
    g.add_argument("--write-tags", nargs="?", const="sidecar", choices=MODES, default=None,
                   help="store each verdict as XMP keywords (dc:subject 'Cat', lr:hierarchicalSubject "
                        "'Animals|Cat'): 'sidecar' (default; the photo is not touched) or 'embed' (into the "
                        "photo's own XMP: JPEG, PNG, WebP, TIFF; pixels and other metadata kept)")
    # None: not given (check_arguments refuses them without --write-tags); TagRun applies the defaults
    g.add_argument("--sidecar-naming", choices=NAMINGS, default=None,
                   help="sidecar file name: 'append' = photo.jpg.xmp (digiKam, darktable; default), "
                        "'replace' = photo.xmp (Lightroom)")
    g.add_argument("--tag-root", default=None, metavar="NAME",
                   help=f"root of the hierarchical keyword (default {DEFAULT_ROOT!r}: '{DEFAULT_ROOT}|Cat')")
    g.add_argument("--tag-uncertain", action="store_true",
                   help="also tag photos below the model's uncertain_threshold, as 'Uncertain' (default: "
                        "they get no tag)")
    g.add_argument("--dry-run", action="store_true",
                   help="list what --write-tags, --sort-into and --undo-sort would change; write no tag, copy "
                        "or move no photo (the CSV is still written)")
    g.add_argument("--skip-tagged", action="store_true",
                   help="do not classify photos already tagged by this model (or by hand); their CSV rows "
                        "come from the tags")


def check_arguments(args: argparse.Namespace) -> str | None:
    """Why the tag options do not fit together, or None."""
    if args.dry_run and not args.write_tags and getattr(args, "sort_into", None) is None:
        return "--dry-run lists what --write-tags or --sort-into would change: give one of them too"
    if args.write_tags == "embed" and args.sidecar_naming is not None and not args.skip_tagged:
        return ("--sidecar-naming names sidecar files, and --write-tags embed writes none (it tags the photos "
                "themselves): drop one of them")
    if not args.write_tags:
        given = [option for option, value in (("--tag-root", args.tag_root), ("--tag-uncertain", args.tag_uncertain))
                 if value not in (None, False)]
        if args.sidecar_naming is not None and not args.skip_tagged:  # --skip-tagged reads sidecars by it
            return ("--sidecar-naming needs --write-tags or --skip-tagged (it names the sidecar files they write "
                    "or read)")
        if given:
            verb = "needs" if len(given) == 1 else "need"
            return f"{' and '.join(given)} {verb} --write-tags (they change only the tags it writes)"
    return None


class TagRun:
    """The tag side of one ``catdog-classify`` run: which photos to skip, then the tags to write.

    Args:
        args: the parsed arguments (see :func:`add_arguments`).
        engine: the :class:`~catdog_gui.core.model.Engine` in use (its file names the model).
        threshold: the uncertain threshold of the run (``--threshold`` or the model's).

    Raises:
        OSError: the model file cannot be read (for its SHA-256).
    """

    def __init__(self, args: argparse.Namespace, engine, threshold: float) -> None:
        from catdog_gui.core.xmp import DEFAULT_ROOT, NAMING_APPEND, model_digest

        self.args = args
        self.engine = engine
        self.naming = args.sidecar_naming or NAMING_APPEND
        self.root = DEFAULT_ROOT if args.tag_root is None else args.tag_root
        self.active = bool(args.write_tags or args.skip_tagged)
        self.digest = model_digest(engine.info.path) if self.active else ""
        self.threshold = threshold
        self.already_tagged = 0
        self.not_tagged = 0  # photos --write-tags should have tagged but could not (read-only, shared sidecar)
        self.interrupted = False  # Ctrl-C stopped :meth:`write` between two files
        self.changed: set[str] = set()  # photos whose sidecar was written for a different photo
        self.stored: dict = {}  # --skip-tagged: {path: Verdict} of the photos not classified again
        self.hand_marked = 0  # photos whose tags hold a verdict set by hand (:meth:`split`, :meth:`hand_marks`)
        self._lines: list[tuple[str, bool]] = []  # (line, to stderr), printed by print_summary()

    def split(self, paths: Sequence[str]) -> tuple[list[str], list]:
        """With ``--skip-tagged``: (photos to classify, result rows read from the tags of the others);
        else ``(paths, [])``."""
        from catdog_gui.core.results import Result, Status
        from catdog_gui.core.xmp import SOURCE_HAND, split_tagged

        if not self.args.skip_tagged:
            return list(paths), []
        todo, tagged, changed = split_tagged(paths, self.digest, self.naming)
        self.changed, self.stored = set(changed), tagged
        rows = []
        for path, v in tagged.items():
            how = "set by hand" if v.source == SOURCE_HAND else f"by {v.model or 'this model'}"
            rows.append(Result(path=path, status=Status.OK, label=v.label, confidence=v.confidence,
                               note=f"verdict read from XMP tags ({how}), not classified again",
                               uncertain_because=self._stored_doubt(v),
                               person_label=v.label if v.source == SOURCE_HAND else ""))
        self.already_tagged = len(rows)
        self.hand_marked = sum(bool(r.person_label) for r in rows)
        return todo, rows

    @staticmethod
    def _stored_doubt(v) -> str:
        """Why a row read from the tags is ``uncertain`` in the CSV (its ``uncertain_reason``), or "". A
        verdict set by hand is never uncertain (:meth:`Result.uncertain_reason`)."""
        return "tagged uncertain in XMP" if v.uncertain else ""

    def note_changed(self, results: Sequence) -> list:
        """``results`` with a note on each row of a photo that :meth:`split` classified again because its
        sidecar was written for a different photo (the photo changed since it was tagged)."""
        from dataclasses import replace

        why = "photo changed since it was tagged (its sidecar was written for another photo); classified again"
        return [replace(r, note="; ".join(filter(None, (r.note, why)))) if r.path in self.changed else r
                for r in results]

    def write(self, results: Iterable) -> None:
        """With ``--write-tags``: tag every ``ok`` result (see the module docstring); a dry run prints each
        change now, the summary waits for :meth:`print_summary`. Ctrl-C stops between two files (each file is
        written whole or not at all)."""
        from catdog_gui.core.xmp import TagOutcome, shared_sidecars, sidecar_path, verdict_for, write_verdict

        a = self.args
        if not a.write_tags:
            return
        counts = {"written": 0, "would write": 0, "unchanged": 0, "kept": 0, "error": 0}
        uncertain_skipped, shared, problems, interrupted, todo = [], 0, [], False, []
        for r in results:
            if not r.ok:
                continue
            verdict = verdict_for(r, self.threshold, self.engine.info.name, self.digest)  # a person's mark wins
            if verdict.uncertain and not a.tag_uncertain:
                uncertain_skipped.append(r.path)
                continue
            todo.append((r, verdict))
        # photo.jpg and photo.png would share photo.xmp: tag neither rather than keep only the last verdict
        clashes = shared_sidecars([r.path for r, _ in todo], self.naming) if a.write_tags == "sidecar" else {}
        try:
            for r, verdict in todo:
                if r.path in clashes:
                    target = sidecar_path(r.path, self.naming)
                    others = ", ".join(repr(os.path.basename(o)) for o in clashes[r.path])
                    out = TagOutcome(r.path, target, "error",
                                     reason=f"shares {quoted(os.path.basename(target))} with {others}; not written "
                                            "(use --sidecar-naming append)")
                    shared += 1
                else:
                    out = write_verdict(r.path, verdict, mode=a.write_tags, naming=self.naming,
                                        root=self.root, dry_run=a.dry_run)
                counts[out.action] += 1
                if out.action == "would write":
                    change = " ".join([f"+{k}" for k in out.added] + [f"-{k}" for k in out.removed])
                    print(f"  would write {quoted(out.target)}: {change}")
                elif out.action in ("error", "kept"):
                    problems.append(out)
        except KeyboardInterrupt:
            interrupted = self.interrupted = True
        where = f"sidecar {sidecar_path('photo.jpg', self.naming)}" if a.write_tags == "sidecar" else "embedded"
        state = " (dry run: nothing written)" if a.dry_run else ""
        state += " (interrupted)" if interrupted else ""
        done = counts["would write"] if a.dry_run else counts["written"]
        self.not_tagged = counts["error"]
        uncertain_skipped, stale = self._untagged_uncertain(uncertain_skipped, counts, problems)
        self._lines.append((f"Tags ({where}){state}: {done} {'to write' if a.dry_run else 'written'}, "
                            f"{counts['unchanged']} already so, {counts['kept']} set by hand kept, "
                            f"{len(uncertain_skipped)} uncertain not tagged, {counts['error'] - shared} could not be tagged"
                            + (f", {shared} sharing a sidecar name not tagged" if shared else ""), False))
        if stale:  # a photo manager still shows the old Cat/Dog for a photo this run found uncertain
            self._lines.append((f"  {stale} uncertain photo(s) keep an earlier Cat/Dog verdict in their tags "
                                "(--tag-uncertain replaces it with Uncertain)", False))
        for out in problems[:_MAX_SHOWN]:
            word = "kept" if out.action == "kept" else "not tagged"
            self._lines.append((f"  {word}: {quoted(out.path)}: {out.reason}", True))
        if len(problems) > _MAX_SHOWN:
            self._lines.append((f"  ... and {len(problems) - _MAX_SHOWN} more", True))

    def _untagged_uncertain(self, paths: list[str], counts: dict[str, int], problems: list) -> tuple[list[str], int]:
        """Of ``paths`` (photos left untagged as uncertain), those whose tags hold a verdict set by hand are
        kept (counted in ``counts["kept"]`` and listed in ``problems`` as :func:`write_verdict` lists a kept
        one). Returns (the others, how many of them keep a Cat/Dog verdict catdog's model wrote earlier)."""
        from catdog_gui.core.xmp import TagOutcome, earlier_verdicts

        by_hand, stale = earlier_verdicts(paths, self.naming)
        for path, v in by_hand.items():  # the person's verdict stays, whatever the model says
            counts["kept"] += 1
            problems.append(TagOutcome(path, "", "kept", reason=f"set by hand to {v.label!r}"))
        return [p for p in paths if p not in by_hand], len(stale)

    def hand_marks(self, results: Sequence) -> list:
        """``results`` with the verdicts set by hand in the photos' tags as their ``person_label``
        (:func:`~catdog_gui.core.xmp.with_hand_verdicts`): the person's verdict decides the folder
        (``--sort-into``) and fills the CSV's ``label_by_person``, as in the app. Counts them in ``hand_marked``."""
        from catdog_gui.core.xmp import with_hand_verdicts

        marked = with_hand_verdicts(results, self.naming)
        self.hand_marked += sum(a is not b for a, b in zip(results, marked))
        return marked

    def print_summary(self) -> None:
        """Print what :meth:`write` did and, with ``--skip-tagged``, how many photos were not classified again."""
        if self.args.skip_tagged:
            print(f"Already tagged: {self.already_tagged} (not classified again; --skip-tagged)")
            if self.changed:
                print(f"Photo changed since it was tagged: {len(self.changed)} (classified again; --skip-tagged)")
        if self.hand_marked:  # the counts above are the model's; the sort and the CSV follow the person
            uses = [what for what, given in (("is in the CSV's label_by_person column", self.args.csv),
                                             ("decides the folder", self.args.sort_into)) if given]
            print(f"Set by hand in their tags: {self.hand_marked} photo(s) (the counts above are the model's"
                  + (f"; the person's verdict {' and '.join(uses)})" if uses else ")"))
        for line, to_stderr in self._lines:
            print(line, file=sys.stderr if to_stderr else sys.stdout)
