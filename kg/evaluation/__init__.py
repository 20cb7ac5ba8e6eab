"""Scoring: graphs and gold annotations in; precision, recall and F1 out (the shared referee's rules)."""
