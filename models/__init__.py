"""Trained artifacts (``*.skops`` plus a JSON card each). No code lives here."""

from pathlib import Path

MODELS_DIR = Path(__file__).parent
