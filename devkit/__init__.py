"""Shared helpers for the benchmarks (``bench/``) and the training scripts (``training/``).

Not part of the installed package. Run benchmarks and training from the repository root as
modules (``python -m bench.detect``, ``python -m training.train_detect``) so that ``devkit``,
``bench`` and ``training`` import without any ``sys.path`` edits.
"""
