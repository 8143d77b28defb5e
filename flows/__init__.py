"""Prefect flows and the ``scrthemes`` command line: the one place that composes the parts.

Importing this package first applies the Prefect environment defaults
(:mod:`scrthemes.flows.settings`), so that they are in place before any
submodule imports Prefect.
"""

from scrthemes.flows import settings as _settings  # noqa: F401
