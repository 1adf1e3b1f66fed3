"""Channel adapters: e-mail through Django's mail backend, SMS through a pluggable gateway."""
