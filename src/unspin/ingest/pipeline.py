"""`iter_documents`: every input, every reader, one stream of `ReadResult`s.

For each input the reader is chosen (`unspin.ingest.source.detect_reader`),
its records are streamed, and each document is finished the same way:
text over ``max_bytes`` truncated with a warning, page furniture found and
reported as excluded spans, the language identified and non-English
documents marked skipped. A reader that fails, for any reason, costs only the
rest of its own file: the failure becomes one error line and the batch goes on.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterable, Iterator
from dataclasses import replace

from unspin.errors import EmptyInput, InputError
from unspin.ingest.furniture import find_furniture, merge_spans, repeated_title
from unspin.ingest.language import identify, sample_text
from unspin.ingest.options import IngestOptions, ReadResult
from unspin.ingest.source import SkippedEntry, Source, detect_reader, expand_inputs
from unspin.ingest.validate import MAX_WORD_CHARS, clean_document, long_word_spans, printable_message, repair_text
from unspin.model import Document

PathLike = str | os.PathLike[str]
#: An input: a path, "-" for standard input, a directory, or (path, format).
InputSpec = PathLike | tuple[PathLike, str | None]


def truncate_utf8(text: str, max_bytes: int) -> str:
    """The longest prefix of ``text`` within ``max_bytes`` UTF-8 bytes, cut at whitespace when one is near."""
    if len(text) <= max_bytes // 4:
        return text
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    cut = data[:max_bytes].decode("utf-8", errors="ignore")
    space = max(cut.rfind("\n"), cut.rfind(" "))
    return cut[: space + 1] if space > len(cut) * 0.9 else cut


def finish_document(result: ReadResult, options: IngestOptions) -> ReadResult:
    """Apply the size limit, furniture exclusion and language check to a reader's document."""
    doc = result.document
    if doc is None:
        return result
    doc = clean_document(doc)
    where = doc.source or doc.id or "<document>"
    warnings = list(result.warnings)
    text, repaired = repair_text(doc.text, where)
    warnings += repaired
    short = truncate_utf8(text, options.max_bytes)
    if len(short) < len(text):
        warnings.append(f"{where}: text truncated to {options.max_bytes:,} bytes (--max-bytes)")
        text = short
    if not text.strip():
        return ReadResult(error=f"{where}: no text", warnings=tuple(warnings))
    metadata = dict(doc.metadata)
    excluded = tuple(s for s in doc.excluded if s[1] <= len(text))
    long_words = long_word_spans(text)
    if long_words:
        excluded = tuple(sorted(set(excluded) | set(long_words)))
        warnings.append(
            f"{where}: {len(long_words):,} word{'s' if len(long_words) != 1 else ''} longer than {MAX_WORD_CHARS} characters "
            "excluded from detection"
        )
    if options.furniture:
        lines = find_furniture(text)
        if lines:
            excluded = tuple(sorted(set(excluded) | set(merge_spans(lines, text))))
            title = repeated_title(text, lines)
            if title and "title" not in metadata:
                metadata["title"] = title
    if excluded and not sample_text(text, excluded, limit=len(text)).strip():
        what = f"page furniture and words over {MAX_WORD_CHARS} characters" if long_words else "page furniture"
        return ReadResult(error=f"{where}: no text besides {what}", warnings=tuple(warnings))
    skipped = None
    if options.language_check:
        sample = sample_text(text, excluded)
        if len(sample.strip()) >= options.min_language_chars:
            lang, prob = identify(sample)
            metadata["language"] = lang
            if lang not in options.languages and prob >= options.language_confidence:
                skipped = f"language: {lang}"
    document = Document(text=text, id=doc.id, source=doc.source, metadata=metadata, excluded=excluded)
    return ReadResult(document=document, error=result.error, warnings=tuple(warnings), skipped=skipped)


def _one_line(message: str) -> str:
    """A message on one printable line (libraries' exception texts may span several, and
    quote the input)."""
    if "\n" in message or "\r" in message:
        message = " ".join(message.split())
    return printable_message(message)


def _clean(result: ReadResult) -> ReadResult:
    """The result with its error and warnings on one printable line each."""
    messages = ([result.error] if result.error is not None else []) + list(result.warnings)
    if all(_one_line(m) == m for m in messages):
        return result
    return replace(
        result,
        error=None if result.error is None else _one_line(result.error),
        warnings=tuple(_one_line(w) for w in result.warnings),
    )


def _read_source(source: Source, options: IngestOptions) -> Generator[ReadResult, None, None]:
    """One input's results; any failure of its reader becomes one error line."""
    for result in _read_source_raw(source, options):
        yield _clean(result)


def _read_source_raw(source: Source, options: IngestOptions) -> Iterator[ReadResult]:
    try:
        if not source.raw_head:
            raise EmptyInput(f"{source.name}: empty file")
        reader = detect_reader(source)
        for result in reader.read(source, options):
            yield finish_document(result, options)
    except InputError as exc:
        yield ReadResult(error=str(exc))
    except (OSError, EOFError) as exc:
        yield ReadResult(error=f"{source.name}: {exc.strerror if isinstance(exc, OSError) and exc.strerror else exc}")
    except ValueError as exc:  # unknown --format, or a library's refusal of the data
        yield ReadResult(error=f"{source.name}: {exc}")
    except Exception as exc:  # a bad file must never stop the batch
        yield ReadResult(error=f"{source.name}: unexpected error while reading ({type(exc).__name__}: {exc})")


def read_source(source: Source, options: IngestOptions | None = None) -> Iterator[ReadResult]:
    """The results of one `Source` (or one slice of it, e.g. Parquet row groups), finished like
    `iter_documents` does; failures become error results. ``unspin scan`` reads its partitions with it."""
    results = _read_source(source, options or IngestOptions())
    try:
        yield from results
    finally:
        results.close()


def iter_documents(
    inputs: Iterable[InputSpec],
    *,
    format: str | None = None,
    options: IngestOptions | None = None,
) -> Iterator[ReadResult]:
    """Stream the documents of files, directories and stdin ("-"), one `ReadResult` per record.

    ``format`` (or ``options.format``) forces a reader for every input; an
    input given as ``(path, format)`` forces one for that input only. Errors
    are results too, never exceptions, so a batch always runs to the end.

    Example::

        for r in iter_documents(["crawl.warc.gz", "articles/"]):
            if r.ok:
                print(r.document.id, len(r.document.text))
            elif r.error:
                print("error:", r.error)
    """
    opts = options or IngestOptions()
    fmt = format or opts.format
    count = 0
    for item in expand_inputs(inputs, fmt):
        if isinstance(item, SkippedEntry):
            yield ReadResult(warnings=(_one_line(str(item)),))
            continue
        if isinstance(item, InputError):
            yield ReadResult(error=_one_line(str(item)))
            continue
        results = _read_source(item, opts)
        try:
            for result in results:
                if result.document is not None and opts.max_records is not None:
                    if count >= opts.max_records:
                        yield ReadResult(warnings=(f"stopped after {opts.max_records:,} records (--max-records)",))
                        return
                    count += 1
                yield result
        finally:
            results.close()
