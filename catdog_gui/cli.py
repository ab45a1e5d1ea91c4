"""``catdog-classify PATH... --csv OUT.csv [--model MODEL.onnx] [--batch-size N] [--write-tags]``: the engine,
headless.

Files and folders (recursive) are classified with the model; every image gets one CSV row (``ok`` with
its prediction, or ``error`` with the reason), and a summary is printed: counts per class, errors,
files skipped as not images, images/s, and the execution provider in use.

A row whose answer is not worth much says ``uncertain`` in its ``label`` column (the model's top label stays in
``top_label``, the reason in ``uncertain_reason``): its top probability is below the threshold (the model's
``uncertain_threshold`` metadata, or ``--threshold``), or the decoded input is degenerate (tiny, one flat
colour, a long strip: :mod:`catdog_gui.core.degenerate`). Every row also names the model, the execution
provider, the precision, TTA and the threshold of the run.

Exit codes: 0 when the run happened (even if some files could not be read: they get ``error`` rows); 1 when a
folder could not be read (its photos get no row: the summary counts such folders and stderr names them), when
``--sort-into`` could not sort every photo (or ``--self-test`` found a problem); 2 on bad arguments, a
missing or invalid model, ``--device cuda`` without a usable CUDA provider, no path that exists, or a CSV
that cannot be written; 130 when interrupted
with Ctrl-C, 128 + the signal number when ended by SIGTERM or SIGHUP (a closed terminal, ``kill``, a
session logging out): in every case the rows finished so far are still written, and no sort starts (the
summary says so). Ctrl-C before the photos are classified ends the run with one line; during ``--sort-into``
it stops the sort between two photos.

``--csv -`` writes the CSV to standard output (no byte-order mark) and everything else to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Sequence

from catdog_gui.argtypes import positive_int
from catdog_gui.core.pathtext import quoted

__all__ = ["main", "get_args_parser"]
EXIT_OK, EXIT_USAGE, EXIT_INTERRUPTED = 0, 2, 130
EXIT_BROKEN_PIPE = 128 + 13  # SIGPIPE: stdout went to a reader that stopped (`| head`)
CSV_STDOUT = "-"  # --csv -: the CSV goes to standard output (the summary then to stderr)
_MAX_ERRORS_SHOWN = 10
_OUTSIDE_LINKS = "folder links leading outside skipped"  # the summary's count of ScanReport.outside_links
# Xception holds ~20 MB of activations per photo at 224x224 on the CPU: 1024 photos is already ~20 GB, and
# a bigger batch only exhausts memory (the OOM killer ends the run and every row is lost).
MAX_BATCH_SIZE = 1024


def _threshold(text: str) -> float:
    """argparse ``type`` for ``--threshold``: a probability strictly between 0 and 1."""
    from catdog_gui.core.tally import valid_threshold

    value = valid_threshold(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"must be a probability between 0 and 1 (exclusive), got {text!r}")
    return value


def _batch_size(text: str) -> int:
    value = positive_int(text)
    if value > MAX_BATCH_SIZE:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_BATCH_SIZE}, got {text!r}")
    return value


_EPILOG = """\
exit status:
  0    the run happened (unreadable files get error rows)
  1    a folder could not be read, --sort-into could not sort or --write-tags
       could not tag every photo, or --self-test failed
  2    bad arguments, a missing/invalid model, --device cuda without CUDA, no
       PATH that exists, or a CSV that cannot be written
  130  Ctrl-C; 128 + the signal on SIGTERM/SIGHUP (the rows finished so far
       are written)
  141  the output went to a reader that stopped before its end (| head)

examples:
  catdog-classify ~/Pictures --csv results.csv
  catdog-classify ~/Pictures --csv results.csv --sort-into ~/Sorted --move
  catdog-classify --undo-sort ~/Sorted      (puts the moved photos back)
"""


def get_args_parser() -> argparse.ArgumentParser:
    """The command-line parser of ``catdog-classify``."""
    p = argparse.ArgumentParser(
        prog="catdog-classify",
        description="Tell cats from dogs in photos: classify files and folders (recursive) and write a CSV.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=_EPILOG)
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="image files and folders (searched recursively); required unless --self-test")
    p.add_argument("--csv", default=None, metavar="OUT.csv",
                   help="CSV to write: path,label,confidence,p_<label>...,status,error,note,top_label,"
                        "uncertain_reason,model,provider,precision,tta,threshold (replaced atomically; label is "
                        "'uncertain' when the answer is not worth much; '-' writes it to standard output when "
                        "the run ends, all rows at once, without a byte-order mark, and the summary to stderr); "
                        "required unless --write-tags or --sort-into is given")
    p.add_argument("--model", default=None, metavar="MODEL.onnx",
                   help="ONNX model following the catdog contract (default: the bundled model, or $CATDOG_MODEL)")
    p.add_argument("--batch-size", type=_batch_size, default=8, metavar="N",
                   help=f"photos per inference batch, 1..{MAX_BATCH_SIZE} (8: measured as fast as bigger batches, "
                        "and memory grows with the batch)")
    p.add_argument("--workers", type=positive_int, default=None, metavar="N",
                   help="decoding threads (default: min(8, CPU cores))")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default=None,
                   help="auto: CUDA when it can be used, else the CPU (default); cpu: never try CUDA; cuda: "
                        "CUDA or exit 2 with the reason")
    p.add_argument("--cpu", action="store_true", help="the same as --device cpu")
    p.add_argument("--threshold", type=_threshold, default=None, metavar="T",
                   help="a row whose top probability is below T (0..1) is 'uncertain' (default: the model's "
                        "uncertain_threshold, chosen on its validation split)")
    p.add_argument("--tta", action=argparse.BooleanOptionalAction, default=True,
                   help="average each photo with its mirror image: more accurate, 2x slower (default: on; "
                        "--no-tta for speed)")
    from catdog_gui.core.model import PRECISIONS

    p.add_argument("--precision", choices=PRECISIONS, default="auto",
                   help="auto: the int8 model (<name>-int8.onnx beside the model) on the CPU, float32 on CUDA; "
                        "fp32 or int8 to choose (default: auto)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress line")
    p.add_argument("-v", "--verbose", action="store_true", help="show ONNX Runtime's own log messages")
    p.add_argument("--self-test", action="store_true",
                   help="check the installation instead (model, sample photos, providers, image formats; no PATH "
                        "or --csv needed): exit 0 when all is right, 1 with the reason otherwise")
    from catdog_gui import cli_sort, cli_tags

    cli_tags.add_arguments(p)  # --write-tags, --sidecar-naming, --tag-uncertain, --dry-run, --skip-tagged
    cli_sort.add_arguments(p)  # --sort-into DIR --copy|--move
    return p


def _fail(message: str) -> int:
    print(f"catdog-classify: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _progress(done: int, total: int, start: float, final: bool = False) -> None:
    rate = done / max(time.perf_counter() - start, 1e-9)
    end = "\n" if final else ""
    print(f"\r{done}/{total} images ({rate:.1f} images/s)", end=end, file=sys.stderr, flush=True)


def _print_summary(summary, engine, csv_path: str | None, rows: int, results, scan_report, tagged: int = 0) -> None:
    """The run's lines on stdout (``tagged``: photos not classified again, ``--skip-tagged``) and its errors on
    stderr."""
    state = f", {summary.errors} error(s)" if summary.errors else ""
    state += " (interrupted)" if summary.cancelled else ""
    state += f", {tagged} already tagged and not classified again" if tagged else ""
    rate = f" ({summary.ok / summary.elapsed_s:.1f} images/s)" if summary.ok and summary.elapsed_s > 0 else ""
    print(f"Classified {summary.ok} image(s){state} in {summary.elapsed_s:.1f} s{rate} with {engine.info.name} "
          f"({engine.describe_settings()}) on {engine.describe_provider()}")
    outside = len(scan_report.outside_links)
    width = max([len(label) for label in summary.per_class] + [len("skipped non-images")]
                + [len(_OUTSIDE_LINKS)] * bool(outside))
    for label, count in summary.per_class.items():
        print(f"  {label:<{width}}  {count}")
    print(f"  {'uncertain':<{width}}  {summary.uncertain}")
    print(f"  {'errors':<{width}}  {summary.errors}")
    print(f"  {'skipped non-images':<{width}}  {summary.skipped_non_images}")
    if summary.unreadable_dirs:
        print(f"  {'unreadable folders':<{width}}  {summary.unreadable_dirs}")
    if outside:
        print(f"  {_OUTSIDE_LINKS:<{width}}  {outside}")
    if csv_path is not None:
        print(f"CSV: {'standard output' if csv_path == CSV_STDOUT else csv_path} ({rows} row(s))")
    errors = [r for r in results if not r.ok]
    for r in errors[:_MAX_ERRORS_SHOWN]:
        print(f"  error: {quoted(r.path)}: {r.error}", file=sys.stderr)
    if len(errors) > _MAX_ERRORS_SHOWN:
        print(f"  ... and {len(errors) - _MAX_ERRORS_SHOWN} more error(s), see the CSV", file=sys.stderr)
    _print_unreadable(scan_report)
    _print_outside_links(scan_report)


def _print_outside_links(scan_report) -> None:
    """Name the folder links the scan did not follow because they lead outside the folders named, on stderr,
    with where they lead and how to include them (name the link itself)."""
    links = scan_report.outside_links
    for link in links[:_MAX_ERRORS_SHOWN]:
        print(f"  note: folder link not followed: {quoted(link)} -> {quoted(os.path.realpath(link))} (outside the folders "
              "named; name the link itself to include it)", file=sys.stderr)
    if len(links) > _MAX_ERRORS_SHOWN:
        print(f"  ... and {len(links) - _MAX_ERRORS_SHOWN} more folder link(s)", file=sys.stderr)


def _print_unreadable(scan_report) -> None:
    """Name the folders the scan could not read, and why, on stderr (a folder gets no CSV row: it is not a
    photo; the summary counts them and the exit status is 1)."""
    folders = scan_report.unreadable_dirs
    if not folders:
        return
    for folder in folders[:_MAX_ERRORS_SHOWN]:
        print(f"  error: could not read folder: {quoted(folder)}: {scan_report.unreadable_why.get(folder, 'unknown')}",
              file=sys.stderr)
    if len(folders) > _MAX_ERRORS_SHOWN:
        print(f"  ... and {len(folders) - _MAX_ERRORS_SHOWN} more folder(s)", file=sys.stderr)
    n = len(folders)
    print(f"catdog-classify: {n} folder{'' if n == 1 else 's'} could not be read; the photos in "
          f"{'it' if n == 1 else 'them'} were not classified (exit status 1)", file=sys.stderr)


class _Terminated(Exception):
    """Raised in the main thread by SIGTERM / SIGHUP, so that they end the run like Ctrl-C does."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum, _frame):
    raise _Terminated(signum)


def _catch_termination() -> dict:
    """Route SIGTERM and SIGHUP (where the OS has them) to :class:`_Terminated`; returns the old handlers."""
    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        with contextlib.suppress(ValueError, OSError):  # not the main thread, or not allowed here
            previous[signum] = signal.signal(signum, _raise_terminated)
    return previous


def _csv_unwritable(csv_path: str) -> str | None:
    """None when write_csv can write the CSV (a temporary file in its folder, or else an existing writable
    file rewritten in place), else why not."""
    import tempfile

    from catdog_gui.core.atomic import check_not_read_only, resolve_target

    try:  # a symbolic link: the file it leads to; a device or named pipe: written through
        csv_path, stream = resolve_target(csv_path, streams=True)
        check_not_read_only(csv_path)
    except OSError as exc:
        return exc.strerror or str(exc)
    if stream:
        return None if os.access(csv_path, os.W_OK) else "Permission denied"
    try:
        fd, tmp = tempfile.mkstemp(prefix=".catdog-", suffix=".csv.tmp", dir=os.path.dirname(csv_path))
    except OSError as exc:
        if os.path.isfile(csv_path):
            try:
                with open(csv_path, "ab"):  # writable? ("ab" changes nothing)
                    return None
            except OSError:
                pass
        return exc.strerror or str(exc)
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(tmp)
    return None


def _decodes_as_image(path: str) -> bool:
    """True when the regular file ``path`` opens as an image (Pillow reads its header; HEIF/AVIF included)."""
    from PIL import Image

    import catdog_gui.core.imaging  # noqa: F401 - registers the HEIF/AVIF opener

    try:
        with Image.open(path):
            return True
    except Image.DecompressionBombError:
        return True
    except (OSError, ValueError):  # UnidentifiedImageError is an OSError
        return False


def _csv_is_a_photo(given: str, csv_path: str) -> str | None:
    """Why ``--csv given`` must not be written, when it names a photo: an existing file with an image
    extension (:data:`~catdog_gui.core.scan.IMAGE_EXTENSIONS`) or an image's content (``--csv *.jpg``, which
    the shell expands to the first photo), or a new name with an image extension; else None."""
    from catdog_gui.core.scan import IMAGE_EXTENSIONS

    extension = os.path.splitext(csv_path)[1].lower()
    named_as_photo = extension in IMAGE_EXTENSIONS
    if os.path.isfile(csv_path) and (named_as_photo or _decodes_as_image(csv_path)):
        hint = f" (did the shell expand *{extension} after --csv?)" if named_as_photo else ""
        return f"--csv {quoted(given)} is a photo, not a CSV file: writing the CSV would replace it{hint}"
    if named_as_photo:
        return (f"--csv {quoted(given)} ends in {extension}, a photo's extension; give the CSV a name such as "
                "results.csv")
    return None


def _self_test(args: argparse.Namespace, arguments: list[str]) -> int:
    """``--self-test``: PATH, --csv, --write-tags and --sort-into are not needed for it, and would be silently
    ignored, so they are refused."""
    given = [name for name, value in (("PATH", args.paths), ("--csv", args.csv), ("--write-tags", args.write_tags),
                                      ("--sort-into", args.sort_into)) if value]
    if given:
        return _fail(f"--self-test checks the installation and takes no {' or '.join(given)}")
    from catdog_gui.selftest import main as self_test

    return self_test(arguments, prog="catdog-classify", qt_required=False)


def _usage_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the outputs asked for (found now, not after classifying every photo); None when
    nothing is."""
    from catdog_gui import cli_sort, cli_tags

    problem = cli_tags.check_arguments(args) or cli_sort.check_arguments(args)
    if problem:
        return problem
    if args.csv is None and not args.write_tags and args.sort_into is None:
        return "nothing to write: give --csv OUT.csv, --write-tags, --sort-into DIR, or several"
    if args.csv is None or args.csv == CSV_STDOUT:
        return None
    csv_path = os.path.abspath(args.csv)
    if not args.csv.strip():
        return "--csv is empty; give a file name"
    if os.path.isdir(csv_path):
        return f"--csv {quoted(args.csv)} is a folder; give a file name"
    if not os.path.isdir(os.path.dirname(csv_path)):
        return f"--csv {quoted(args.csv)}: folder {quoted(os.path.dirname(csv_path))} does not exist"
    photo = _csv_is_a_photo(args.csv, csv_path)
    if photo:
        return photo
    unwritable = _csv_unwritable(csv_path)
    return f"cannot write {quoted(args.csv)}: {unwritable}" if unwritable else None


def _open_engine(args: argparse.Namespace):
    """``(engine, threshold)`` for ``--model``, ``--device``/``--cpu``, ``--precision``, ``--tta`` and
    ``--threshold``, or the reason it cannot be opened (str)."""
    import onnxruntime as ort

    from catdog_gui.core.model import Engine, ModelError, default_model_path, providers_for
    from catdog_gui.core.tally import uncertain_threshold

    if not args.verbose:
        ort.set_default_logger_severity(4)  # the engine reports CUDA problems itself, in one line
    model_path = args.model or default_model_path()
    from_environment = args.model is None and bool(os.environ.get("CATDOG_MODEL"))
    if args.cpu and args.device not in (None, "cpu"):
        return f"--cpu contradicts --device {args.device}"
    device = "cpu" if args.cpu else (args.device or "auto")
    try:
        engine = Engine(model_path, providers=providers_for(device), precision=args.precision, tta=args.tta)
    except ModelError as exc:  # a path the user did not type says where it came from, as --self-test does
        source = " (set by $CATDOG_MODEL)"
        return str(exc) + (source if from_environment and source not in str(exc) else "")
    if device == "cuda" and not engine.using_cuda:
        return f"--device cuda: the CUDA provider cannot be used: {engine.cuda_unavailable_reason}"
    return engine, uncertain_threshold(engine.info.metadata, args.threshold)


def _classify_all(engine, paths: list[str], args: argparse.Namespace) -> tuple[list, float, int | None]:
    """Classify ``paths`` with a progress line; Ctrl-C, SIGTERM and SIGHUP end the run early.

    Returns:
        (results so far, seconds, None or the exit status of the interruption).
    """
    from catdog_gui.core.pipeline import classify

    results: list = []
    cancel = threading.Event()
    show_progress = not args.quiet and sys.stderr.isatty()
    start = time.perf_counter()
    interrupted: int | None = None
    previous_handlers = _catch_termination()
    try:
        for result in classify(engine, paths, batch_size=args.batch_size, decode_workers=args.workers,
                               cancel=cancel):
            results.append(result)
            if show_progress and (len(results) % args.batch_size == 0 or len(results) == len(paths)):
                _progress(len(results), len(paths), start)
    except KeyboardInterrupt:
        cancel.set()
        interrupted = EXIT_INTERRUPTED
    except _Terminated as exc:
        cancel.set()
        interrupted = 128 + exc.signum
    finally:
        for signum, handler in previous_handlers.items():
            signal.signal(signum, handler)
    elapsed = time.perf_counter() - start
    if show_progress and results:
        _progress(len(results), len(paths), start, final=True)
    return results, elapsed, interrupted


def _write_csv(args: argparse.Namespace, csv_path: str | None, results: list, labels, engine,
               threshold: float, stored: dict | None = None, stream=None) -> int | str:
    """Write the CSV (None: --write-tags or --sort-into alone; :data:`CSV_STDOUT`: to ``stream``); its rows, or
    why it could not be written. ``stored``: {path: :class:`~catdog_gui.core.xmp.Verdict`} of the rows read from
    the tags (``--skip-tagged``)."""
    from catdog_gui.core.results import InPlaceWriteWarning, run_settings

    rows, in_place = 0, []
    try:
        with warnings.catch_warnings(record=True) as in_place:  # main thread; no decoding runs any more
            warnings.simplefilter("always", InPlaceWriteWarning)
            if csv_path is not None:
                run_info: dict = dict(run_settings(engine, threshold))
                if stored:  # no model ran on them: the tag's model file, and no provider, precision or TTA
                    run_info.update({column: (lambda r, v=value: "" if r.path in stored else v)
                                     for column, value in run_info.items() if column in ("provider", "precision", "tta")})
                    run_info["model"] = lambda r, v=run_info["model"]: stored[r.path].model if r.path in stored else v
                if any(r.person_label for r in results):  # the app's column: the model's label stays in "label"
                    run_info["label_by_person"] = lambda r: r.person_label
                rows = _csv_to(csv_path, stream, results, labels, run_info, threshold)
    except OSError as exc:
        return f"cannot write {quoted(args.csv)}: {exc.strerror or exc}"
    for w in in_place:
        print(f"catdog-classify: warning: {w.message}", file=sys.stderr)
    return rows


def _csv_to(csv_path: str, stream, results: list, labels, run_info: dict, threshold: float) -> int:
    """Write the CSV to ``csv_path`` (atomically), or for :data:`CSV_STDOUT` to ``stream`` (standard output):
    the same bytes less the byte-order mark, which would stick to the first column's name in ``cut``, ``awk``
    or a CSV reader of a pipe (a spreadsheet wants a file). Returns the rows written.

    Raises:
        OSError: the file cannot be written.
    """
    import io

    from catdog_gui.core.results import write_csv, write_csv_rows

    if csv_path != CSV_STDOUT:
        return write_csv(results, csv_path, labels, run_info=run_info, threshold=threshold)
    text = io.StringIO(newline="")
    rows = write_csv_rows(text, results, labels, run_info=run_info, threshold=threshold)
    data = text.getvalue().encode("utf-8")
    stream.flush()
    binary = getattr(stream, "buffer", None)  # bytes as they are: CRLF line ends, no newline translation
    if binary is None:
        stream.write(data.decode("utf-8"))
    else:
        binary.write(data)
        binary.flush()
    stream.flush()
    return rows


def _photos(args: argparse.Namespace, csv_path: str | None, tags):
    """``(paths to classify, scan report, rows read back from tags)``, or why there is nothing to do (str)."""
    from catdog_gui.core.scan import scan_paths

    paths, report = scan_paths(args.paths)
    paths, tagged_rows = tags.split(paths)  # --skip-tagged: rows from the photos' XMP, not classified again
    if not paths and report.missing and len(report.missing) == len(args.paths):
        return "no such file or folder: " + ", ".join(repr(p) for p in report.missing)
    if csv_path not in (None, CSV_STDOUT) and os.path.exists(csv_path):
        csv_real = os.path.normcase(os.path.realpath(csv_path))
        if any(os.path.normcase(os.path.realpath(p)) == csv_real for p in paths):
            return f"--csv {quoted(args.csv)} is one of the photos to classify; writing the CSV would replace it"
    if not paths and not report.missing and not report.unreadable_dirs and not tagged_rows:
        skipped = f" ({report.skipped_non_images} non-image file(s) skipped)" if report.skipped_non_images else ""
        if report.outside_links:
            skipped += f" ({len(report.outside_links)} folder link(s) leading outside not followed)"
        print(f"catdog-classify: warning: no images found in {', '.join(repr(p) for p in args.paths)}{skipped}",
              file=sys.stderr)
    return paths, report, tagged_rows


def _run(args: argparse.Namespace, engine, threshold: float, csv_stream=None) -> int:
    """Classify the photos, write what was asked for and print the summary; the exit status. ``csv_stream``:
    where ``--csv -`` writes the CSV (the standard output, while ``print`` goes to stderr)."""
    from catdog_gui import cli_tags
    from catdog_gui.core.results import Result, Status

    csv_path = None if args.csv is None else CSV_STDOUT if args.csv == CSV_STDOUT else os.path.abspath(args.csv)
    try:
        tags = cli_tags.TagRun(args, engine, threshold)
    except OSError as exc:
        return _fail(f"cannot read the model file for its SHA-256: {exc.strerror or exc}")
    found = _photos(args, csv_path, tags)
    if isinstance(found, str):
        return _fail(found)
    paths, report, tagged_rows = found
    # A path the user named that does not exist gets an error row too, so that nothing is silently lost.
    missing_rows = [Result(path=p, status=Status.ERROR, error="no such file or folder") for p in report.missing]
    classified, elapsed, interrupted = _classify_all(engine, paths, args)
    try:
        return _outputs(args, engine, threshold, (csv_path, csv_stream), tags, (classified, tagged_rows, missing_rows),
                        report, elapsed, interrupted)
    except KeyboardInterrupt:  # a (second) Ctrl-C while the tags, the CSV or the summary were being written
        with contextlib.suppress(KeyboardInterrupt, OSError):
            print("catdog-classify: interrupted while writing the results (the CSV and each tag file are "
                  "written whole or not at all)", file=sys.stderr)
        return EXIT_INTERRUPTED


def _outputs(args: argparse.Namespace, engine, threshold: float, csv_to: tuple, tags, rows_of: tuple, report,
             elapsed: float, interrupted: int | None) -> int:
    """After classifying: write the tags and the CSV, print the summary, sort (not after an interruption: it
    says so); the exit status. ``csv_to``: (CSV path or None or :data:`CSV_STDOUT`, the stream for the
    latter); ``rows_of``: (classified, read from the tags, missing paths) results."""
    from catdog_gui import cli_sort
    from catdog_gui.core.pipeline import summarize

    (csv_path, csv_stream), (classified, tagged_rows, missing_rows) = csv_to, rows_of
    labels = engine.info.labels
    classified = tags.note_changed(classified)  # --skip-tagged: why a tagged photo was classified again
    tags.write(classified)  # --write-tags: after the run (each file written whole or not at all)
    sort_stopped = interrupted if interrupted is not None else EXIT_INTERRUPTED if tags.interrupted else None
    classified = tags.hand_marks(classified)  # a person's verdict in the tags: CSV label_by_person, the sort
    results = classified + tagged_rows + missing_rows
    rows = _write_csv(args, csv_path, results, labels, engine, threshold, tags.stored, stream=csv_stream)
    if isinstance(rows, str):
        return _fail(rows)
    summary = summarize(classified + missing_rows, labels, elapsed, skipped_non_images=report.skipped_non_images,
                        cancelled=interrupted is not None, threshold=threshold,
                        unreadable_dirs=len(report.unreadable_dirs))
    _print_summary(summary, engine, csv_path, rows, results, report, tagged=len(tagged_rows))
    tags.print_summary()
    if sort_stopped is not None:  # Ctrl-C while classifying or tagging: no sort, and it says so
        cli_sort.say_not_run(args)  # (or one would wonder how many photos moved)
        return sort_stopped
    # photos skipped as already tagged are sorted by their tags' verdict (a person's mark there wins)
    sorted_status = cli_sort.run(args, classified + tagged_rows, labels, threshold)
    if sorted_status == EXIT_INTERRUPTED:
        return sorted_status
    return EXIT_OK if sorted_status == EXIT_OK and not report.unreadable_dirs and not tags.not_tagged else 1


def _undo_sort_conflicts(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[str]:
    """The options (and PATH) given with ``--undo-sort`` that it would otherwise ignore."""
    allowed = {"undo_sort", "dry_run", "quiet", "verbose", "help"}
    given = []
    for action in parser._actions:  # noqa: SLF001 - argparse has no public list of its arguments
        if action.dest in allowed or getattr(args, action.dest, None) == action.default:
            continue
        if action.dest == "paths" and not args.paths:
            continue
        given.append(action.option_strings[0] if action.option_strings else "PATH")
    return given


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``catdog-classify``; returns the exit status (see the module docstring). Output piped into a program
    that stops reading (``| head``) ends it quietly with 141 (128 + SIGPIPE, as shells report it) once the
    outputs asked for are written, not with a traceback. Ctrl-C before the photos are classified (while
    the libraries load, the model opens or the folders are searched) ends it with one line and 130: nothing
    was written yet."""
    try:
        return _main(argv)
    except BrokenPipeError:
        with contextlib.suppress(OSError):  # Python flushes stdout at exit: send what is left nowhere
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:  # later ones are caught where they stop the run (rows so far, tags, the sort)
        with contextlib.suppress(KeyboardInterrupt, OSError):  # a second Ctrl-C while saying so
            print("catdog-classify: interrupted before classifying; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED


def _main(argv: Sequence[str] | None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a console that cannot show "—" or a file name must not crash
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors="backslashreplace")
    parser = get_args_parser()
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2, message already printed)
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    if args.undo_sort is not None:  # reads the journal in TARGET; no photos, no model
        from catdog_gui import cli_sort

        conflicts = _undo_sort_conflicts(parser, args)
        if conflicts:
            return _fail(f"--undo-sort TARGET cannot be combined with {', '.join(conflicts)} "
                         "(it only undoes the last sort; --dry-run shows what it would do)")
        return cli_sort.undo(args.undo_sort, dry_run=args.dry_run)
    if args.self_test:
        return _self_test(args, arguments)
    if not args.paths:
        parser.print_usage(sys.stderr)
        return _fail("the following arguments are required: PATH")
    problem = _usage_problem(args)
    if problem:
        return _fail(problem)
    opened = _open_engine(args)
    if isinstance(opened, str):
        return _fail(opened)
    if args.csv != CSV_STDOUT:
        return _run(args, *opened)
    csv_stream = sys.stdout  # the CSV's; everything else printed goes to stderr, so that stdout stays a CSV
    with contextlib.redirect_stdout(sys.stderr):
        return _run(args, *opened, csv_stream=csv_stream)


if __name__ == "__main__":
    sys.exit(main())
