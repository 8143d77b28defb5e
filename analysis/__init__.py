"""Comparing theme frequencies with national figures, and the static HTML report.

``stats`` (intervals and exact tests), ``figures`` and ``national`` (published
national figures), ``matrix`` and ``source`` (the review x theme matrix read from
the store), ``compare`` and ``trends`` (the comparisons), ``charts``,
``report_html`` and ``report`` (the HTML report). Reads the store
(``scrthemes.corpus``); never imports ``scrthemes.nlp``.
"""
