"""Stage 5, graph: extraction records in; RDF, the Oxigraph store, queries, checks and exports out.

Records -> RDF under the ontology (rdf, iris), the store, SPARQL queries (queries/*.rq),
RDFS inference, SHACL checks, exports and the networkx projection.
"""
