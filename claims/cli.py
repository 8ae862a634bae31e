"""The `claims` command line: parse options, call the library, render, map errors to exit codes.

Exit codes: 0 success; 1 error (bad input, endpoint failure, nothing usable); 2 usage error;
3 partial result (printed, with the failed chunks or files listed on stderr); 130 interrupted.
Set CLAIMS_DEBUG=1 to see the traceback of an unexpected error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .errors import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_PARTIAL,
    EXIT_USAGE,
    ClaimsError,
    InputError,
    Interrupted,
    UsageError,
)

if TYPE_CHECKING:
    from .config import Config
    from .corpus import DoneKeys, Outcome
    from .corpus import Summary as CorpusSummary
    from .schemas import Analysis, Usage

EXIT_CODES_HELP = (
    "Exit codes: 0 ok, 1 error, 2 usage, 3 partial result (failures listed on stderr), 130 interrupted."
)
app = typer.Typer(
    help="Turn news articles into checkable claims: who says what, how firmly, and what to verify.\n\n"
    + EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: importing rich costs more than the rest of start-up
)
eval_app = typer.Typer(help="Score a backend on annotated data. " + EXIT_CODES_HELP, no_args_is_help=True)
cache_app = typer.Typer(help="Inspect or clear the response cache.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
batch_app = typer.Typer(
    help="OpenAI Batch API: answer every uncached chunk in one batch at lower cost, then fill the cache "
    "so that summarize, worksheet and compare's extraction send no request.",
    no_args_is_help=True,
)
app.add_typer(cache_app, name="cache")
app.add_typer(batch_app, name="batch")

INPUT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".xhtml"}

# Options shared by the commands that analyse articles.
Paths = Annotated[list[str], typer.Argument(metavar="PATH", help="Article files (text, Markdown, HTML), directories, or - for stdin.")]
ModelOpt = Annotated[
    str | None, typer.Option("--model", "-m", help="Model name, or 'offline' for the built-in analyser. [env: CLAIMS_MODEL]")
]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option("--base-url", help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1. [env: CLAIMS_BASE_URL]"),
]
LangOpt = Annotated[str | None, typer.Option("--lang", help="Article language (fr, en...); detected when omitted.")]
OutLangOpt = Annotated[
    str | None, typer.Option("--output-lang", help="Language of restated claims (LLM path); default: the article's.")
]
ModeOpt = Annotated[
    str | None, typer.Option("--mode", help="Structured-output mode: tools, json_schema, json, md_json. [env: CLAIMS_MODE]")
]
ChunkOpt = Annotated[int | None, typer.Option("--chunk-chars", help="Chunk size budget in characters (default 8000).")]
ConcOpt = Annotated[int | None, typer.Option("--concurrency", help="Requests in flight at once (default 4).")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the response cache.")]
CacheDirOpt = Annotated[str | None, typer.Option("--cache-dir", help="Cache directory. [env: CLAIMS_CACHE_DIR]")]
RpmOpt = Annotated[int | None, typer.Option("--rpm", help="Requests per minute for the whole run. [env: CLAIMS_RPM]")]
TpmOpt = Annotated[int | None, typer.Option("--tpm", help="Tokens per minute for the whole run. [env: CLAIMS_TPM]")]
PriceInOpt = Annotated[
    float | None, typer.Option("--price-in", help="USD per million prompt tokens, for the cost estimate. [env: CLAIMS_PRICE_INPUT]")
]
PriceOutOpt = Annotated[
    float | None,
    typer.Option("--price-out", help="USD per million completion tokens, for the cost estimate. [env: CLAIMS_PRICE_OUTPUT]"),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress, notices or usage on stderr.")]


def _err(message: str) -> None:
    typer.echo(message, err=True)


def _config(**options: Any) -> Config:
    from .config import resolve

    cache = not options.pop("no_cache", False)
    return resolve(cache=cache, **options)


def _expand(paths: list[str]) -> Iterator[str]:
    """Files as given; directories expanded to the article files inside them, sorted."""
    for p in paths:
        path = Path(p)
        if p != "-" and path.is_dir():
            found = sorted(str(f) for f in path.rglob("*") if f.is_file() and f.suffix.lower() in INPUT_SUFFIXES)
            if not found:
                raise InputError(f"{p} holds no .txt, .md or .html files", "give article files")
            yield from found
        else:
            yield p


class Runner:
    """Analyses inputs concurrently under one request budget (claims.corpus), collecting failures
    instead of stopping at the first."""

    def __init__(self, config: Config, quiet: bool) -> None:
        self.config = config
        self.quiet = quiet
        self.summary: CorpusSummary | None = None
        self._notice_due = False
        self._progress = False

    def notice(self) -> None:
        """Arm the offline-analyser notice; it is printed once the first input has been read, so
        that a bad input still gives a single error line on stderr."""
        self._notice_due = self.config.offline and not self.quiet and not os.environ.get("CLAIMS_MODEL")

    def _print_notice(self) -> None:
        if self._notice_due:
            self._notice_due = False
            self._say(
                "claims: using the built-in offline analyser (no LLM endpoint configured); "
                "set --base-url/CLAIMS_BASE_URL and --model to use an LLM."
            )

    def _say(self, message: str) -> None:
        """A line on stderr, above the progress display when there is one."""
        _err(("\r\x1b[K" if self._progress else "") + message)

    def run(self, paths: list[str], on_analysis: Callable[[int, Analysis], None], skip: DoneKeys = frozenset()) -> int:
        """Analyse every input; `on_analysis(index, analysis)` as each completes. A single input
        that fails raises its error; otherwise failures are listed. Returns how many were analysed."""
        from .corpus import progress_stream, run_cached, run_corpus, run_offline

        expanded = list(_expand(paths))
        single: list[ClaimsError] = []
        produced = 0

        def on_outcome(o: Outcome) -> None:
            nonlocal produced
            if o.error is not None:
                if len(expanded) == 1:
                    single.append(o.error)
                    return
                return  # listed with the other failures at the end (Summary.failures)
            if o.analysis is None:
                return  # skipped: already in the output file
            self._print_notice()
            for w in o.analysis.warnings:
                if not self.quiet:
                    self._say(f"Warning ({o.path}): {w}")
            produced += 1
            on_analysis(o.index, o.analysis)

        stream = None if self.config.offline else progress_stream(self.quiet)
        self._progress = stream is not None
        try:
            if self.config.offline:
                self.summary = run_offline(expanded, self.config, on_outcome, skip=skip)
            else:
                self.summary = run_cached(expanded, self.config, on_outcome, skip=skip) or run_corpus(
                    expanded, self.config, on_outcome, skip=skip, progress=stream
                )
        except KeyboardInterrupt as exc:  # typer would turn it into a silent exit 130
            raise _interrupted(exc) from None
        if single:
            raise single[0]
        return produced

    def analyse(self, paths: list[str]) -> list[Analysis]:
        """Every analysis, in input order."""
        found: dict[int, Analysis] = {}
        self.run(paths, found.__setitem__)
        return [found[i] for i in sorted(found)]

    def usage_line(self, price_in: float | None = None, price_out: float | None = None) -> None:
        """Articles done and failed, requests, tokens, cache hits and the estimated cost."""
        if self.quiet or self.summary is None or (self.config.offline and not self.summary.skipped):
            return
        _err(self.summary.line(price_in, price_out))

    def exit_code(self, produced: int) -> int:
        failures = self.summary.failures if self.summary is not None else []
        if not failures:
            return 0
        for line in failures:
            _err(line)
        return EXIT_PARTIAL if produced else EXIT_ERROR


def _total_usage(analyses: list[Analysis]) -> Usage:
    from .schemas import Usage

    total = Usage()
    for a in analyses:
        for field in ("requests", "prompt_tokens", "completion_tokens", "prompt_chars", "cache_hits", "chunks", "dropped"):
            setattr(total, field, getattr(total, field) + getattr(a.usage, field))
    return total


def _check_format(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        raise UsageError(f"unknown format {fmt!r}", f"use one of: {', '.join(allowed)}")


def _write(text: str | bytes, output: str | None) -> None:
    if output is None or output == "-":
        try:
            if isinstance(text, bytes):
                sys.stdout.buffer.write(text)
            else:
                sys.stdout.write(text if text.endswith("\n") else text + "\n")
            sys.stdout.flush()
        except BrokenPipeError:  # `claims ... | head`: the reader has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        return
    try:
        Path(output).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror}", "check the output path") from exc


@app.command()
def summarize(
    paths: Paths,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, markdown, json, jsonl or csv.")] = "table",
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="File to write; stdout when omitted (jsonl: one line per article as it completes).")
    ] = None,
    skip_done: Annotated[
        bool, typer.Option("--skip-done", help="With --format jsonl -o FILE: skip articles already in FILE (same path and sha256) and append the rest.")
    ] = False,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    lang: LangOpt = None,
    output_lang: OutLangOpt = None,
    mode: ModeOpt = None,
    chunk_chars: ChunkOpt = None,
    concurrency: ConcOpt = None,
    rpm: RpmOpt = None,
    tpm: TpmOpt = None,
    price_in: PriceInOpt = None,
    price_out: PriceOutOpt = None,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """The claims an article makes, who makes each one, and how hedged each is.

    Many articles run concurrently under one request budget (--concurrency, --rpm, --tpm); with
    --format jsonl each analysis is printed as soon as it completes."""
    from .corpus import done_keys, prices
    from .render.summary import FORMATS, render, to_jsonl

    _check_format(fmt, FORMATS)
    if skip_done and (fmt != "jsonl" or output in (None, "-")):
        raise UsageError("--skip-done needs --format jsonl and -o FILE", "e.g. -f jsonl -o out.jsonl --skip-done")
    config = _config(
        model=model, base_url=base_url, language=lang, output_language=output_lang, mode=mode,
        chunk_chars=chunk_chars, concurrency=concurrency, rpm=rpm, tpm=tpm, no_cache=no_cache, cache_dir=cache_dir,
    )
    price = prices(price_in, price_out)
    runner = Runner(config, quiet)
    runner.notice()
    if fmt == "jsonl":  # streamed: one line per article as it completes, in completion order
        skip = done_keys(output) if skip_done and output else frozenset()
        with _jsonl_sink(output, append=skip_done) as sink:
            produced = runner.run(paths, lambda _i, analysis: sink(to_jsonl(analysis)), skip=skip)
    else:
        analyses = runner.analyse(paths)
        produced = len(analyses)
        if analyses:
            _write(render(analyses, fmt), output)
    runner.usage_line(*price)
    raise typer.Exit(runner.exit_code(produced))


@contextmanager
def _jsonl_sink(output: str | None, append: bool) -> Iterator[Callable[[str], None]]:
    """Write one line and flush, to stdout or to `output` (appended to with --skip-done, so that
    a rerun after an interruption completes the file)."""
    if output is None or output == "-":
        yield lambda line: _write(line, None)
        return
    try:
        f = open(output, "a+" if append else "w", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror}", "check the output path") from exc
    with f:
        if append and f.tell() > 0:
            f.seek(f.tell() - 1)
            if f.read(1) != "\n":  # an interrupted last line: start on a fresh one
                f.write("\n")

        def sink(line: str) -> None:
            f.write(line.rstrip("\n") + "\n")
            f.flush()

        yield sink


def _analyse_all(config: Config, quiet: bool, paths: list[str]) -> tuple[Runner, list[Analysis]]:
    """Every input's analysis (from the cache where it can), or exit when none could be made."""
    runner = Runner(config, quiet)
    runner.notice()
    analyses = runner.analyse(paths)
    if not analyses:
        raise typer.Exit(runner.exit_code(0))
    return runner, analyses


@app.command()
def compare(
    paths: Paths,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, markdown, json or csv.")] = "table",
    include_author: Annotated[bool, typer.Option("--include-author", help="Add the article's own voice as a row.")] = False,
    include_unnamed: Annotated[bool, typer.Option("--include-unnamed", help="Add unnamed sources as rows.")] = False,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    lang: LangOpt = None,
    mode: ModeOpt = None,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Who in the articles says what on each disputed point, and how firmly."""
    from .compare import compare as run_compare
    from .render.compare import render_comparison

    _check_format(fmt, ("table", "markdown", "json", "csv"))
    config = _config(model=model, base_url=base_url, language=lang, mode=mode, no_cache=no_cache, cache_dir=cache_dir)
    runner, analyses = _analyse_all(config, quiet, paths)
    usage = _total_usage(analyses)
    comparison = run_compare(analyses, config, include_author=include_author, include_unnamed=include_unnamed, usage=usage)
    _write(render_comparison(comparison, fmt), None)
    runner.usage_line()
    raise typer.Exit(runner.exit_code(len(analyses)))


@app.command()
def worksheet(
    paths: Paths,
    output: Annotated[str | None, typer.Option("--output", "-o", help="File to write; stdout when omitted.")] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="markdown, html, csv or jsonld (default: from -o's suffix, else markdown).")
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="Where the article was published (for JSON-LD appearance).")] = None,
    min_score: Annotated[float, typer.Option("--min-score", help="Leave out claims below this check-worthiness.")] = 0.0,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    lang: LangOpt = None,
    mode: ModeOpt = None,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """A fact-check worksheet: what to check, most check-worthy first, with room for the verdict."""
    from .render.worksheet import render_worksheet
    from .worksheet import build_worksheet

    fmt = fmt or _format_from_suffix(output)
    _check_format(fmt, ("markdown", "html", "csv", "jsonld"))
    if not 0.0 <= min_score <= 1.0:
        raise UsageError("--min-score must be between 0 and 1", "e.g. --min-score 0.5")
    config = _config(model=model, base_url=base_url, language=lang, mode=mode, no_cache=no_cache, cache_dir=cache_dir)
    runner, analyses = _analyse_all(config, quiet, paths)
    ws = build_worksheet(analyses, min_score=min_score, url=url)
    _write(render_worksheet(ws, fmt), output)
    if output and not quiet:
        _err(f"worksheet written to {output}")
    runner.usage_line()
    raise typer.Exit(runner.exit_code(len(analyses)))


def _format_from_suffix(output: str | None) -> str:
    suffix = Path(output).suffix.lower() if output else ""
    return {".html": "html", ".htm": "html", ".csv": "csv", ".jsonld": "jsonld", ".json": "jsonld"}.get(suffix, "markdown")


def _eval(kind: str, path: str, model: str | None, base_url: str | None, fmt: str, no_cache: bool) -> None:
    import json

    from . import evaluate

    _check_format(fmt, ("table", "json"))
    if not Path(path).exists():  # checkworthy also takes a folder of .tsv files
        raise InputError(f"{path}: no such file or folder", "give the gold file's path")
    config = _config(model=model, base_url=base_url, no_cache=no_cache)
    scorer = {"quotes": evaluate.eval_quotes, "hedges": evaluate.eval_hedges, "checkworthy": evaluate.eval_checkworthy}[kind]
    result = scorer(path, config)
    if fmt == "json":
        _write(json.dumps(result, ensure_ascii=False, indent=2), None)
    else:
        _write("\n".join(f"{k:<28} {_fmt_number(v)}" for k, v in _flatten(result)), None)


def _flatten(d: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for k, v in d.items():
        if isinstance(v, dict):
            yield from _flatten(v, f"{prefix}{k}.")
        else:
            yield f"{prefix}{k}", v


def _fmt_number(v: Any) -> str:
    return f"{v:.3f}" if isinstance(v, float) else str(v)


EvalFile = Annotated[str, typer.Argument(metavar="FILE", help="The annotated file.")]
EvalFmt = Annotated[str, typer.Option("--format", "-f", help="table or json.")]


@eval_app.command("quotes")
def eval_quotes(path: EvalFile, model: ModelOpt = None, base_url: BaseUrlOpt = None, fmt: EvalFmt = "table", no_cache: NoCacheOpt = False) -> None:
    """Quote extraction and attribution (Gender Gap Tracker protocol) on a gold JSONL file."""
    _eval("quotes", path, model, base_url, fmt, no_cache)


@eval_app.command("hedges")
def eval_hedges(path: EvalFile, model: ModelOpt = None, base_url: BaseUrlOpt = None, fmt: EvalFmt = "table", no_cache: NoCacheOpt = False) -> None:
    """Sentence-level precision, recall and F1 of the uncertain class on a text,label CSV."""
    _eval("hedges", path, model, base_url, fmt, no_cache)


@eval_app.command("checkworthy")
def eval_checkworthy(path: EvalFile, model: ModelOpt = None, base_url: BaseUrlOpt = None, fmt: EvalFmt = "table", no_cache: NoCacheOpt = False) -> None:
    """Mean average precision of check-worthiness ranking on a CLEF 2019 TSV file."""
    _eval("checkworthy", path, model, base_url, fmt, no_cache)


@cache_app.command("info")
def cache_info(cache_dir: CacheDirOpt = None) -> None:
    """Where the cache is, how many entries it holds and its size."""
    from .cache import cache_info as info

    result = info(_config(cache_dir=cache_dir))
    _write("\n".join(f"{k}: {v}" for k, v in result.items()), None)


@cache_app.command("clear")
def cache_clear(cache_dir: CacheDirOpt = None) -> None:
    """Delete every cached response."""
    from .cache import cache_clear as clear

    removed = clear(_config(cache_dir=cache_dir))
    _err(f"removed {removed} cached responses")


BatchId = Annotated[str, typer.Argument(metavar="BATCH_ID", help="The batch id printed by 'claims batch submit'.")]


@batch_app.command("submit")
def batch_submit(
    paths: Paths,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    lang: LangOpt = None,
    output_lang: OutLangOpt = None,
    mode: ModeOpt = None,
    chunk_chars: ChunkOpt = None,
    cache_dir: CacheDirOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Upload a batch of every chunk not yet cached; prints the batch id (one per 50,000 chunks or 190 MB).

    Use the same options as the later summarize run: they are part of each answer's cache key."""
    from .batch import submit

    config = _config(model=model, base_url=base_url, language=lang, output_language=output_lang, mode=mode,
                     chunk_chars=chunk_chars, cache_dir=cache_dir)  # fmt: skip
    made = submit(list(_expand(paths)), config)
    if not made:
        if not quiet:
            _err("every chunk is already cached: nothing to submit")
        return
    for b in made:
        _write(b["id"], None)
        if not quiet:
            _err(f"batch {b['id']}: {b['requests']} requests ({b['cached']} chunks already cached)")


@batch_app.command("status")
def batch_status(batch_id: BatchId, base_url: BaseUrlOpt = None, cache_dir: CacheDirOpt = None) -> None:
    """The batch's status and request counts."""
    from .batch import status

    result = status(batch_id, _config(model="offline", cache_dir=cache_dir), base_url)
    _write("\n".join(f"{k}: {v}" for k, v in result.items()), None)


@batch_app.command("collect")
def batch_collect(batch_id: BatchId, base_url: BaseUrlOpt = None, cache_dir: CacheDirOpt = None,
                  quiet: QuietOpt = False) -> None:  # fmt: skip
    """Validate a finished batch's answers and store the valid ones in the cache; the others are
    listed and left for a normal run to request (exit 3 when some failed)."""
    from .batch import collect

    result = collect(batch_id, _config(model="offline", cache_dir=cache_dir), base_url)
    for f in result.failures:
        _err(f"Failed: {f}")
    if not quiet:
        _err(f"batch {batch_id}: {result.stored} answers cached, {result.already_cached} already cached, "
             f"{len(result.failures)} left for a normal run")  # fmt: skip
    if result.failures:
        raise typer.Exit(EXIT_PARTIAL if result.stored or result.already_cached else EXIT_ERROR)


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"claims {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = False,
) -> None:
    """Turn news articles into checkable claims."""


def _click_errors() -> tuple[tuple[type[BaseException], ...], tuple[type[BaseException], ...]]:
    """Usage-error and abort classes of click and of the click copy newer typer versions vendor.
    click itself is looked up, not imported: a typer that runs on it has imported it already."""
    usage: list[type[BaseException]] = []
    abort: list[type[BaseException]] = [typer.Abort]
    click = sys.modules.get("click")
    if click is not None:
        usage.append(click.ClickException)
        abort.append(click.exceptions.Abort)
    try:
        from typer import _click as vendored  # typer >= 0.20 ships its own click

        usage.append(vendored.exceptions.ClickException)
    except (ImportError, AttributeError):
        pass
    return tuple(usage), tuple(abort)


def _interrupted(exc: BaseException) -> Interrupted:
    """What an interrupted run kept (the LLM backend puts its counts in the KeyboardInterrupt)."""
    return Interrupted(str(exc.args[0]) if exc.args else "completed chunks are cached")


def _app_for(args: list[str]) -> typer.Typer:
    """The app that parses `args`. For `claims COMMAND ...` with a top-level COMMAND, a copy of
    `app` that holds only that command: typer builds the options of every registered command
    before it parses anything, which was a third of a cached run's in-process time. Same
    command, callback and settings, so the same parsing, help and errors; anything else (root
    help, --version, the eval/cache/batch groups, unknown names) gets the full app."""
    import copy

    name = args[0] if args else ""
    try:
        chosen = [c for c in app.registered_commands if (c.name or c.callback.__name__) == name]  # type: ignore[union-attr]
        if len(chosen) != 1:
            return app
        lean = copy.copy(app)
        lean.registered_commands, lean.registered_groups = chosen, []
        return lean
    except AttributeError:  # a typer without these attributes: the full app
        return app


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app and turn every failure into one line and an exit code."""
    debug = bool(os.environ.get("CLAIMS_DEBUG"))
    # Pydantic looks for plugins (observability hooks) in every installed package's metadata the
    # first time it builds a model: 20-30 ms of each run. The CLI has none to load; set
    # PYDANTIC_DISABLE_PLUGINS to a value of your own (an empty one loads them all) to change that.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    usage_errors, aborts = _click_errors()
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        rv = _app_for(args)(args=args, standalone_mode=False)
        if rv == EXIT_INTERRUPTED:  # typer turns a Ctrl-C it catches into a silent 130
            _err(_interrupted(KeyboardInterrupt()).one_line())
        return rv if isinstance(rv, int) else 0
    except typer.Exit as exc:
        return exc.exit_code
    except usage_errors as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # its message is the help text
            _err(exc.format_message())  # type: ignore[attr-defined]
        else:
            _err(f"Error: {exc.format_message()} — see 'claims --help'")  # type: ignore[attr-defined]
        return EXIT_USAGE
    except (KeyboardInterrupt, *aborts) as exc:  # type: ignore[misc]
        if debug:
            raise
        _err(_interrupted(exc).one_line())
        return EXIT_INTERRUPTED
    except ClaimsError as exc:
        if debug:
            raise
        _err(exc.one_line())
        return exc.exit_code
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: one line, traceback only on request
        if debug:
            raise
        _err(f"Error: unexpected {type(exc).__name__}: {exc} — rerun with CLAIMS_DEBUG=1 and report the traceback")
        return EXIT_ERROR


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
