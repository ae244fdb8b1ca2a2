"""kisdesk: a desktop order ticket for the KIS Open API."""

__version__ = "0.1.0"
