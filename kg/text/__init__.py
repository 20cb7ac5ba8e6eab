"""Stage 1, text: paths, folders and stdin in; `Article` records (and `Skipped`/`Notice`) out.

Readers for .txt, .md, .html, .json and .jsonl, header lines and dates, encodings and size limits.
"""
