"""Population register adapters, one module per system: ``builtin`` (the tables of this app)
and ``http`` (a data-exchange platform speaking the JSON contract in docs/registers.md)."""
