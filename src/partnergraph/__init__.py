"""partnergraph: a relationship explorer for advocacy networks."""

__version__ = "0.1.0"
