#!/usr/bin/env python3
"""Validate a JSON file against a JSON Schema (draft 2020-12 or the draft the schema names).

Usage: validate_json.py SCHEMA FILE

Exit status: 0 when FILE is valid, and 1 when it is invalid or not JSON. Each
error is printed with its place in the document. Exit status 2 means the check
could not run: wrong arguments, an unreadable or invalid schema, or
python3-jsonschema not installed.
"""

import json
import sys


def load_json(path, role):
    """Return the parsed contents of `path`, or None after printing why it failed."""
    try:
        with open(path, encoding="utf-8") as stream:
            return json.load(stream)
    except OSError as error:
        print(f"{path}: cannot read the {role}: {error.strerror}", file=sys.stderr)
    except UnicodeDecodeError as error:
        print(f"{path}: the {role} is not valid UTF-8 at byte {error.start}", file=sys.stderr)
    except json.JSONDecodeError as error:
        print(f"{path}: the {role} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}",
              file=sys.stderr)
    return None


def place(error):
    """Return the JSON Pointer of the value an error is about, '/' for the whole document."""
    return "/" + "/".join(str(part) for part in error.absolute_path)


def main(argv):
    if len(argv) != 3:
        print("usage: validate_json.py SCHEMA FILE", file=sys.stderr)
        return 2

    try:
        import jsonschema
    except ImportError:
        print("python3-jsonschema is not installed; install it with: apt-get install python3-jsonschema",
              file=sys.stderr)
        return 2

    schema_path, document_path = argv[1], argv[2]
    schema = load_json(schema_path, "schema")
    if schema is None:
        return 2

    validator_class = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    try:
        validator_class.check_schema(schema)
    except jsonschema.exceptions.SchemaError as error:
        print(f"{schema_path}: invalid schema at {place(error)}: {error.message}", file=sys.stderr)
        return 2

    document = load_json(document_path, "document")
    if document is None:
        return 1

    errors = sorted(validator_class(schema).iter_errors(document), key=place)
    for error in errors:
        print(f"{document_path}: at {place(error)}: {error.message}")
    if errors:
        print(f"{document_path}: {len(errors)} schema errors")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
