#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Validates desired-state files against the JSON Schema of sriovctl apply.

Usage: schema-check.py SCHEMA.json FILE...
Prints "valid FILE" or "invalid FILE: reason" per file; exit 0 when the
schema itself is a valid draft 2020-12 schema, whatever the files say.
"""
import json
import sys

import jsonschema
import yaml


def main():
    schema = json.load(open(sys.argv[1]))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in sys.argv[2:]:
        # quoted MACs in the files: YAML 1.1's sexagesimal numbers do not bite
        with open(path) as f:
            doc = json.load(f) if path.endswith('.json') else yaml.safe_load(f)
        errors = sorted(validator.iter_errors(doc), key=lambda e: e.path)
        if errors:
            print('invalid %s: %s' % (path, errors[0].message))
        else:
            print('valid %s' % path)


if __name__ == '__main__':
    main()
