"""``nirs4all config validate|schema``: check a pipeline file, print the format's schema."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from nirs4all.cli._common import EXIT_BAD_INPUT, EXIT_OK, add_json, emit, to_json

__all__ = ["add_commands"]


def _validate(args: argparse.Namespace) -> int:
    from nirs4all.api.pipeline_files import validate_pipeline_file

    problem, count = validate_pipeline_file(args.file)
    info = {"file": args.file, "valid": problem is None, "variants": count,
            "problem": None if problem is None else problem.as_dict()}
    if args.json:
        emit(info, True, [])
    elif problem is None:
        print(f"{args.file}: valid, {count} variant(s)")
    else:
        print(f"nirs4all: error: {problem}", file=sys.stderr)
    return EXIT_OK if problem is None else EXIT_BAD_INPUT


def _schema(args: argparse.Namespace) -> int:
    from nirs4all.api.pipeline_files import pipeline_schema

    print(to_json(pipeline_schema()))
    return EXIT_OK


def add_commands(commands: Any) -> None:
    """Add ``config validate FILE`` and ``config schema``."""
    config = commands.add_parser("config", help="check pipeline files")
    sub = config.add_subparsers(dest="config_command", required=True)
    validate = sub.add_parser("validate", help="check a pipeline file without running it "
                              "(exit 2 naming the line and YAML path of the first problem)")
    validate.add_argument("file", help="a .yaml, .yml or .json pipeline file")
    add_json(validate)
    validate.set_defaults(handler=_validate)
    schema = sub.add_parser("schema", help="print the JSON Schema of pipeline files")
    schema.set_defaults(handler=_schema)
