"""posture-kg: knowledge graphs of military posturing from news articles."""

__version__ = "0.1.0"
