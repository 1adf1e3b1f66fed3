"""motcua — một cửa: the provincial administrative-procedure system."""

__version__ = "0.1.0"
