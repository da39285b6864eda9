"""Batch scans of crawls on Dask: ``scan(inputs, out, ...)`` -> `ScanSummary`.

Modules, by job: `runner` (`scan()`: plan, run, sum up), `partitions` (cutting the inputs),
`partition_task` (the task that reads, checks and fingerprints a partition), `executor`
(Dask cluster or in-process), `manifest` (resume), `stats` (per-partition and total counts),
`clustering` (band join, verification, components), `minhash`, `output` (the output
directory's files), `progress`, `pairs` (the verified copy/source pairs of a finished scan).
"""

from unspin.scan.clustering import VerifyOptions
from unspin.scan.manifest import ScanError
from unspin.scan.minhash import LSHOptions
from unspin.scan.output import document_schema
from unspin.scan.pairs import VerifiedPair, verified_pairs
from unspin.scan.partitions import Partition, Piece, Plan, plan_partitions
from unspin.scan.runner import scan
from unspin.scan.stats import PartitionStats, ScanSummary

__all__ = ["LSHOptions", "Partition", "PartitionStats", "Piece", "Plan", "ScanError", "ScanSummary", "VerifiedPair",
           "VerifyOptions", "document_schema", "plan_partitions", "scan", "verified_pairs"]

from unspin._callable import make_callable

make_callable(__name__, "scan")  # ``unspin.scan(inputs, out)`` runs `scan` (see unspin._callable)
