"""Stage 3, extract: parsed spaCy `Doc`s in; `Mention`, `Relation` and `Entity` records out.

Pure functions over a `Doc` (no I/O): mentions, the arguments of each trigger, one rule family
per predicate, reference across sentences, and linking to canonical entities.
"""
