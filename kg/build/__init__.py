"""Stage 4, build: input paths and an output folder in; the built graph files out.

Drives the stages in order (text -> nlp/extract -> graph -> view), keeps per-article results
and the manifest for incremental builds, and runs extraction in worker processes or on Dask.
"""
