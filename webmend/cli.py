"""The command line: `webmend clean`, `webmend steps`.

Exit status of `clean`: 0 when the run completed (pages with errors are in the
output with their `error`); 1 with --strict when any page had an error;
2 for a usage error (unknown option, unsupported or missing input, bad output
name); 3 when the output could not be written.
"""
from __future__ import annotations

import os
import sys

import click

from webmend.engines.host_store import MAX_HOSTS_IN_MEMORY
from webmend.pipeline import STEPS, Options

EXIT_PAGE_ERRORS = 1
EXIT_USAGE = 2
EXIT_OUTPUT = 3


def _families() -> list[str]:
    return sorted({s.family for s in STEPS if s.family != "core"})


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="webmend")
def main() -> None:
    """webmend: restore web-crawled pages to the text their authors wrote."""


@main.command()
def steps() -> None:
    """List the pipeline's steps in order, one line each."""
    width = max(len(s.name) for s in STEPS)
    for i, s in enumerate(STEPS, 1):
        fam = "" if s.family == "core" else f" [{s.family}]"
        click.echo(f"{i:2d}. {s.name:<{width}}  {s.summary}{fam}")


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--output", required=True,
              help="Output file (.jsonl, .jsonl.gz, .jsonl.zst, .parquet), '-' for stdout, or a directory "
                   "(existing, or ending in /) for sharded, resumable output.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the machine's cores). Output order is kept.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary line.")
@click.option("--strict", is_flag=True, help=f"Exit with status {EXIT_PAGE_ERRORS} if any page had an error.")
@click.option("--explain", is_flag=True, help="Print each page's learned rules and edits (with evidence) on stderr.")
@click.option("--no-repair", is_flag=True, help="Leave out every repair step.")
@click.option("--skip", multiple=True, metavar="NAME",
              help="Leave out a step or a family of steps (see `webmend steps`); repeatable.")
@click.option("--with-input", is_flag=True, help="Add the input text (what edit offsets index) as `input_text`.")
@click.option("--filter", "quality_filter", default="", metavar="SPEC",
              help="Leave out pages failing quality rules: presets gopher, gopher_quality, gopher_repetition, c4, "
                   "fineweb and/or expressions like 'gopher_words>=50', comma-separated (docs/signals.md).")
@click.option("--keep-filtered", is_flag=True,
              help="With --filter: keep failing pages in the output, their failed rules in signals.filtered.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local: worker processes on this machine; ray: Ray Data (pip install 'webmend[ray]').")
@click.option("--ray-address", default=None, metavar="ADDR",
              help="With --engine ray: an existing cluster ('auto' or ray://host:port); default: start Ray here.")
@click.option("--shard-pages", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Pages per output shard (directory output).")
@click.option("--shard-format", type=click.Choice(["jsonl.gz", "jsonl.zst", "jsonl", "parquet"]),
              default="jsonl.gz", show_default=True, help="Format of the shards (directory output).")
@click.option("--restart", is_flag=True, help="Directory output: discard a previous run there instead of resuming it.")
@click.option("--hosts-in-memory", type=click.IntRange(min=1), default=MAX_HOSTS_IN_MEMORY, show_default=True,
              help="Hosts whose first-pass statistics stay in memory; the others wait on disk (SQLite in a "
                   "temporary directory, or the output directory's _state/).")
@click.option("--reprepare", is_flag=True,
              help="Prepare (extract) pages again in the second pass instead of keeping the first pass's "
                   "prepared pages: on disk for the local engine (in the temporary directory, or the output "
                   "directory's _state/), in Ray's object store for Ray.")
@click.option("--id-field", default="id", show_default=True, help="JSONL/Parquet input: the field holding the page id.")
@click.option("--url-field", default="url", show_default=True, help="JSONL/Parquet input: the field holding the URL.")
@click.option("--text-field", default="text", show_default=True, help="JSONL/Parquet input: the field holding text.")
@click.option("--html-field", default="html", show_default=True, help="JSONL/Parquet input: the field holding HTML.")
def clean(inputs: tuple[str, ...], output: str, workers: int | None, quiet: bool, strict: bool,
          explain: bool, no_repair: bool, skip: tuple[str, ...], with_input: bool, engine: str,
          ray_address: str | None, shard_pages: int, shard_format: str, restart: bool, id_field: str,
          url_field: str, text_field: str, html_field: str, quality_filter: str = "",
          keep_filtered: bool = False, hosts_in_memory: int = MAX_HOSTS_IN_MEMORY, reprepare: bool = False) -> None:
    """Mend pages: INPUT is a .txt or .html(.gz) page, a .jsonl(.gz/.zst) or .parquet of pages, a
    .warc(.gz), .wet(.gz) or .arc(.gz) web archive, a directory, a glob, or an fsspec URL (s3://, https://)."""
    from webmend.engines import runner
    from webmend.engines.local import one_math_thread
    from webmend.io.readers import UnsupportedInput, expand_inputs
    from webmend.io.writers import UnsupportedOutput, open_writer

    known = {s.name for s in STEPS} | {s.family for s in STEPS}
    unknown = [k for k in skip if k not in known]
    if unknown:
        raise click.UsageError(f"--skip: unknown step or family {', '.join(unknown)} (see `webmend steps`)")
    skipped = set(skip) | ({"repair"} if no_repair else set())
    from webmend.annotate.quality import FilterError, parse_filter

    try:
        parse_filter(quality_filter)
    except FilterError as exc:
        raise click.UsageError(str(exc)) from None
    options = Options(skip=frozenset(skipped), explain=explain, with_input=with_input,
                      quality_filter=quality_filter)
    report = lambda m: click.echo(f"webmend: {m}", err=True)  # noqa: E731
    fields = {k: v for k, v in (("id", id_field), ("url", url_field), ("text", text_field),
                                ("html", html_field)) if k != v} or None
    sharded = runner.is_sharded_output(output)
    drop_filtered = bool(quality_filter) and not keep_filtered
    writer = None
    try:
        paths = expand_inputs(inputs, report)
        if not sharded:
            writer = open_writer(output)
    except (UnsupportedInput, UnsupportedOutput) as exc:
        raise click.UsageError(str(exc)) from None
    except OSError as exc:
        click.echo(f"webmend: cannot write {output}: {exc}", err=True)
        sys.exit(EXIT_OUTPUT)

    workers = workers or os.cpu_count() or 1
    one_math_thread()  # this process mends too (one worker), and the workers it forks inherit it
    if engine == "ray":
        try:
            from webmend.engines.ray_engine import RayEngine

            eng = RayEngine(workers, address=ray_address, fields=fields, keep_prepared=not reprepare)
        except ImportError as exc:
            raise click.UsageError(f"--engine ray needs Ray: pip install 'webmend[ray]' ({exc})") from None
    else:
        from webmend.engines.local import LocalEngine

        eng = LocalEngine(workers, fields=fields, spill=not reprepare)
    show_bar = not quiet and sys.stderr.isatty()
    bar = None

    def progress(total: int | None):
        nonlocal bar
        if not show_bar or (total is not None and total <= 1):
            return lambda: None
        from rich.console import Console
        from rich.progress import Progress

        bar = Progress(transient=True, console=Console(stderr=True))
        bar.start()
        task = bar.add_task("mending", total=total)
        return lambda: bar.advance(task)

    host_report = None
    on_doc = None
    if explain:
        from webmend.explain import HostReport, page_lines

        host_report = HostReport()

        def on_doc(doc) -> None:
            click.echo("\n".join(page_lines(doc)), err=True)
            host_report.add(doc)

    try:
        if sharded:
            summary = runner.run_sharded(eng, paths, output, options=options, shard_pages=shard_pages,
                                         suffix="." + shard_format, restart=restart, report=report,
                                         progress=progress, on_doc=on_doc,
                                         fingerprint_extra={"fields": fields, "keep_filtered": keep_filtered},
                                         drop_filtered=drop_filtered, max_hosts=hosts_in_memory)
        else:
            summary = runner.run_to_writer(eng, paths, writer, options=options, report=report,
                                           progress=progress, on_doc=on_doc,
                                           drop_filtered=drop_filtered, max_hosts=hosts_in_memory)
    except runner.RunMismatch as exc:
        raise click.UsageError(str(exc)) from None
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    finally:
        if bar is not None:
            bar.stop()
        eng.close()
    try:
        if writer is not None:
            writer.close()
    except OSError as exc:
        click.echo(f"webmend: cannot write {output}: {exc}", err=True)
        sys.exit(EXIT_OUTPUT)
    if host_report is not None:
        lines = host_report.lines()
        if lines:
            click.echo("== per host (the pages of this run)\n" + "\n".join(lines), err=True)
    if not quiet:
        click.echo(summary.line(), err=True)
    if strict and summary.errors:
        sys.exit(EXIT_PAGE_ERRORS)


@main.command()
@click.argument("out", metavar="OUT")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="Rows per breakdown.")
def stats(out: str, as_json: bool, top: int) -> None:
    """Summarise a run's output (a file or a sharded directory): pages, languages,
    share of text removed, edits by kind, duplicate clusters, errors."""
    import json

    from webmend import stats as run_stats

    try:
        st = run_stats.compute(out)
    except FileNotFoundError as exc:
        raise click.UsageError(str(exc)) from None
    except (OSError, ValueError, EOFError) as exc:
        click.echo(f"webmend: cannot read {out}: {exc}", err=True)
        sys.exit(EXIT_OUTPUT)
    click.echo(json.dumps(st.to_dict(), ensure_ascii=False, indent=1) if as_json else run_stats.render(st, top))


if __name__ == "__main__":
    main()
