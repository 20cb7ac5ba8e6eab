"""Stage 6, view: a graph (rdflib or networkx) in; self-contained HTML pages out."""
