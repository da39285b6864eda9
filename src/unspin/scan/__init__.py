"""Batch scans of crawls on Dask: ``scan(inputs, out, ...)`` -> `ScanSummary` (see `unspin.scan.runner`)."""

from unspin.scan.minhash import LSHOptions
from unspin.scan.partitions import Partition, Piece, Plan, plan_partitions
from unspin.scan.runner import ScanError, ScanSummary, scan
from unspin.scan.tasks import VerifyOptions, document_schema

__all__ = ["LSHOptions", "Partition", "Piece", "Plan", "ScanError", "ScanSummary", "VerifyOptions", "document_schema", "plan_partitions", "scan"]
