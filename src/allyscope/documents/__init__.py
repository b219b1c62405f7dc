"""Documents: read texts about a relationship, code their passages, check their numbers.

``read(paths)`` ingests .txt/.md/.html/.pdf/.docx files, splits them into passages with
stable ids and character offsets, codes each passage (dimension, role, framing, states,
years) with the shipped codebook, and extracts quantitative claims, which
``check_claims=True`` compares with the data. See docs/documents.md.
"""

from allyscope.documents.reader import ReadResult, read, read_documents

__all__ = ["ReadResult", "read", "read_documents"]
