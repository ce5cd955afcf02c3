"""The ``nirs4all`` command.

Exit codes (one table for every command):

====  ===============================================================================
0     success
2     bad input or usage: a file, an option or the data is at fault (the message says
      which and how to fix it)
3     integrity failure: a bundle was changed, is malformed, or needs types nobody
      vouched for
4     the workspace is busy: another process holds its writer lock
====  ===============================================================================

``--json`` prints strict JSON (NaN and infinities as null) with the fields of the text
output. A reader that closes the pipe early (``nirs4all workspace runs | head``) ends the
command quietly.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from nirs4all._version import __version__
from nirs4all.cli import bundle, config, dataset, report, run, workspace
from nirs4all.cli._common import EXIT_BAD_INPUT, EXIT_BUSY, EXIT_INTEGRITY, EXIT_OK
from nirs4all.errors import BundleIntegrityError, DataError, Nirs4allError, UntrustedBundleError

__all__ = ["EXIT_BAD_INPUT", "EXIT_BUSY", "EXIT_INTEGRITY", "EXIT_OK", "main"]

# library hints spelled for Python, and their command-line spelling
_CLI_SPELLINGS = (("run with refit='all'", "run with --refit all"),
                  ("refit='all'", "--refit all"), ("refit='best'", "--refit best"),
                  ("refit=False", "--refit none"), ("random_state=", "--seed "),
                  ("n_jobs=", "--jobs "))


def cli_spelling(message: str) -> str:
    """``message`` with the Python spellings of run options replaced by the CLI's."""
    for python, cli in _CLI_SPELLINGS:
        message = message.replace(python, cli)
    return message


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors: exit 2, as bad input
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="nirs4all", description=__doc__.splitlines()[0],
                     epilog="exit codes: 0 ok, 2 bad input or usage, 3 integrity failure, "
                            "4 workspace busy")
    parser.add_argument("--version", action="version", version=f"nirs4all {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run.add_commands(commands)
    bundle.add_commands(commands)
    workspace.add_commands(commands)
    dataset.add_commands(commands)
    config.add_commands(commands)
    report.add_commands(commands)
    return parser


def _handle(args: argparse.Namespace) -> int:
    from nirs4all.utils.console import rewritten
    from nirs4all.workspace.errors import WorkspaceLockedError

    try:
        with rewritten(cli_spelling):
            return args.handler(args)
    except WorkspaceLockedError as exc:
        print(f"nirs4all: workspace busy: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except (BundleIntegrityError, UntrustedBundleError) as exc:
        print(f"nirs4all: integrity error: {cli_spelling(str(exc))}", file=sys.stderr)
        return EXIT_INTEGRITY
    except (DataError, FileNotFoundError, Nirs4allError, ValueError) as exc:
        print(f"nirs4all: error: {cli_spelling(str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _quiet_stdout() -> None:
    """After a closed pipe, send what is left to /dev/null so the exit flush is silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # an in-memory stdout (tests): nothing
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``nirs4all`` command with ``argv`` (default ``sys.argv[1:]``); return its
    exit code (see the module)."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return int(exc.code or 0)
    try:
        code = _handle(args)
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_OK
    return code
