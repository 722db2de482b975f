"""tidings: who said what, who did what to whom, when and where — from news text, with evidence."""

__version__ = "0.1.0"
