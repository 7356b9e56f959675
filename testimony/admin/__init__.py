"""The editors' admin, one module per family of models."""

from . import places, statements, testimonies, vocabulary, witnesses  # noqa: F401  (registers the model admins)
