"""Dataset folders: the files of each partition found by their names, and nothing left out.

A file name is ``<letter><word>[_<source>]`` with a ``.csv`` or ``.csv.gz`` suffix, matched
case-insensitively: the letter is ``X`` (spectra), ``Y`` (targets) or ``M`` (metadata); the
word is ``cal`` or ``train`` for the training partition and ``val`` or ``test`` for the test
partition (``Xcal.csv``, ``Y_train.csv``, ``Xtest_nir.csv.gz``); an ``X`` file may end with
a source name. Every other file of the folder is refused with the list of them, except hidden
files, documentation (``README*``, ``LICENSE*``, ``.md``, ``.rst``, ``.pdf``, ``.html``) and
the ``nirs4all_dataset.json`` sidecar: a folder never loads with files silently left out.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from nirs4all.data._assemble import FileSpec, Part, SourceSpec
from nirs4all.data._readers import CsvOptions
from nirs4all.errors import DataFileNotFoundError, DatasetConfigError

__all__ = ["SIDECAR", "parts_from_folder"]

SIDECAR = "nirs4all_dataset.json"
_WORDS = {"train": ("cal", "train"), "test": ("val", "test")}
_NAME = re.compile(r"([xym])_?(cal|train|val|test)(?:[_-](.+))?", re.IGNORECASE)
_SUFFIXES = (".csv.gz", ".csv")
_DOC_SUFFIXES = (".md", ".rst", ".pdf", ".html", ".htm")
_DOC_NAMES = ("readme", "license", "licence")
_CONVENTION = (
    "A dataset folder holds X (spectra), Y (targets) and M (metadata) files named "
    "<letter><word>[_<source>].csv or .csv.gz, the word being cal or train for the training "
    "partition and val or test for the test partition (Xcal.csv, Ycal.csv, Xtest_nir.csv.gz)")


def _role(path: Path) -> tuple[str, str, str] | None:
    """``(letter, word, source)`` of a dataset file name, or None.

    Letters and words match in any case; the source keeps the case it is written in, so a
    source saved as ``Xcal_NIR.csv`` loads back as ``"NIR"``.
    """
    suffix = next((s for s in _SUFFIXES if path.name.lower().endswith(s)), None)
    found = None if suffix is None else _NAME.fullmatch(path.name[: -len(suffix)])
    if found is None:
        return None
    letter, word = found.group(1).lower(), found.group(2).lower()
    source = found.group(3) or ""
    if letter != "x" and source:
        return None  # targets and metadata describe samples, not one source
    return letter, word, source


def _ignorable(path: Path) -> bool:
    name = path.name.lower()
    return (name.startswith(".") or name == SIDECAR or name.endswith(_DOC_SUFFIXES)
            or name.startswith(_DOC_NAMES))


def _words(roles: dict[Path, tuple[str, str, str]], folder: Path) -> dict[str, str | None]:
    """The word each partition uses; two words for one partition is an error."""
    chosen: dict[str, str | None] = {}
    for partition, words in _WORDS.items():
        used = [w for w in words if any(r[1] == w for r in roles.values())]
        if len(used) > 1:
            named = sorted(p.name for p, r in roles.items() if r[1] in used)
            raise DatasetConfigError(
                f"the folder mixes {used[0]!r} and {used[1]!r} files for the {partition} "
                f"partition (X{used[0]} and X{used[1]}: {', '.join(named)}); keep one word",
                path=folder)
        chosen[partition] = used[0] if used else None
    return chosen


def parts_from_folder(folder: Path, options: CsvOptions, settings: dict) -> tuple[list, dict]:
    """Find the files of a dataset folder by their names (see the module docstring)."""
    if not folder.is_dir():
        raise DataFileNotFoundError("dataset folder not found", path=folder)
    files = sorted(p for p in folder.iterdir() if p.is_file())
    roles = {p: r for p in files if (r := _role(p)) is not None}
    if not any(r[0] == "x" and r[1] in _WORDS["train"] for r in roles.values()):
        listing = ", ".join(p.name for p in sorted(folder.iterdir())) or "nothing"
        raise DatasetConfigError(
            "no training spectra found: expected Xcal.csv or Xtrain.csv (.csv.gz also works); "
            f"the folder holds {listing}", path=folder)
    unknown = [p.name for p in files if p not in roles and not _ignorable(p)]
    if unknown:
        raise DatasetConfigError(
            f"files that match no naming convention: {', '.join(unknown)}. {_CONVENTION}. "
            "Rename or move those files, or name the files to load in a dict description "
            "(train_x, train_y, test_x, ...)", path=folder)
    sidecar = _read_sidecar(folder)
    if sidecar.get("header") is True and options.header is None:
        options = options.merged({"header": True})
    settings = {**settings, "name": settings.get("name") or sidecar.get("name") or folder.name,
                "task": settings.get("task") or sidecar.get("task")}
    parts = []
    for partition, word in _words(roles, folder).items():
        if word is None:
            continue
        mine = {p: r for p, r in roles.items() if r[1] == word}
        parts.append(_partition(partition, word, mine, options, sidecar.get("units", {}),
                                folder))
    return parts, settings


def _partition(partition: str, word: str, files: dict[Path, tuple[str, str, str]],
               options: CsvOptions, units: dict, folder: Path) -> Part:
    xs = {r[2]: p for p, r in files.items() if r[0] == "x"}
    singles = {}
    for letter in ("y", "m"):
        hits = [p for p, r in files.items() if r[0] == letter]
        if len(hits) > 1:
            raise DatasetConfigError(f"several {letter.upper()}{word} files: "
                                     f"{[p.name for p in hits]}; keep one", path=folder)
        singles[letter] = hits[0] if hits else None
    if not xs:
        raise DatasetConfigError(f"targets or metadata for {word} but no X{word} file",
                                 path=folder)
    order = list(units)  # the sidecar lists sources in the dataset's order
    sources = []
    for suffix in sorted(xs, key=lambda s: (order.index(s or "X") if (s or "X") in order
                                           else len(order), s)):
        name = suffix or "X"
        unit = options.wavelength_unit or units.get(name)
        sources.append(SourceSpec(name, xs[suffix], options.merged({"wavelength_unit": unit})))
    return Part(
        partition, sources,
        None if singles["y"] is None else FileSpec(singles["y"], options),
        None if singles["m"] is None else FileSpec(singles["m"], options),
    )


def _read_sidecar(folder: Path) -> dict:
    path = folder / SIDECAR
    if not path.exists():
        return {}
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DatasetConfigError(f"cannot parse {SIDECAR}: {exc}", path=path) from None
    if not isinstance(content, dict) or content.get("format") != 1:
        raise DatasetConfigError(f"{SIDECAR} is not a nirs4all dataset description (format 1)",
                                 path=path)
    return content
