"""Detection of spun words and the document spin score."""

from unspin.detect.decoder import Detector, DetectorOptions, WordDecision
from unspin.detect.score import DocumentScore, score_document

__all__ = ["Detector", "DetectorOptions", "WordDecision", "DocumentScore", "score_document"]
