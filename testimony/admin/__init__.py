"""The editors' admin, one module per family of models."""
