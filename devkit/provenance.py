"""The data files the shipped models are trained on, for their metadata (`unspin.detect.modelio.save_model`)."""

from __future__ import annotations

from pathlib import Path

from devkit.sotu import archive

#: the BBC development corpus in ../shared (what `devkit.spinner.load_bbc` reads by default)
BBC_DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc_news_dev.jsonl"


def training_files() -> list[Path]:
    """The BBC development corpus and the State of the Union archive (every model reads both)."""
    return [BBC_DEV, archive()]
