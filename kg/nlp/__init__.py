"""Stage 2, nlp: the only place that loads spaCy.

Takes a model name and the gazetteer; gives a spaCy `Language` whose `Doc`s carry the
gazetteer's entities (an entity ruler compiled from kg/data/gazetteer) and designation patterns.
"""
