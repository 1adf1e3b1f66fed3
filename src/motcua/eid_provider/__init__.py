"""A stand-in for VNeID, the national electronic identity, for the demo and the tests.

A separate, small Django project (its own settings, database and process) that acts as an
OpenID Connect provider built with ``django-oauth-toolkit``. motcua's login talks to it exactly
as it would talk to the real VNeID; ``docs/eid.md`` describes the claims contract.

Never deploy it for real citizens: the identities are made up and anybody may add one.
"""
