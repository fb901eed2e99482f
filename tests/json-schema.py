#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""sriovctl's JSON output against its JSON Schemas.

  json-schema.py outputs SRIOVCTL DIR
      DIR holds the documents tests/cli/lib.sh kept: N.args (the
      arguments, each ended by a NUL), N.out (standard output) and N.rc
      (the exit status). Each JSON document must be one line (or indented
      with -p), valid against "sriovctl help --schema" of its command,
      and follow sriovctl(8)'s rule: an "error" member exactly when the
      exit status is not 0, with that status as its code.

Prints "ok WHAT" or "FAIL WHAT: why" per check.
"""
import json
import os
import re
import subprocess
import sys

import jsonschema

GLOBAL_VALUE = ('--sysfs-root', '--dev-root', '--state-dir')
GLOBAL_LONG = ('--json', '--pretty', '--dry-run', '--force', '--quiet',
               '--verbose')
GLOBAL_SHORT = 'jpnfqvVh'


def unique_keys(pairs):
    """A JSON object, refusing a key twice (a definition in two files)."""
    keys = [k for k, _ in pairs]
    twice = sorted(set(k for k in keys if keys.count(k) > 1))
    if twice:
        raise ValueError('defined twice: %s' % ', '.join(twice))
    return dict(pairs)


class Schemas:
    """The definitions of "sriovctl help --schema", a validator each."""

    def __init__(self, sriovctl):
        out = subprocess.run([sriovctl, 'help', '--schema'], check=True,
                             capture_output=True, text=True).stdout
        self.doc = json.loads(out, object_pairs_hook=unique_keys)
        jsonschema.Draft202012Validator.check_schema(self.doc)
        text = subprocess.run([sriovctl, 'help'], check=True,
                              capture_output=True, text=True).stdout
        self.with_verbs = set(re.findall(r'^sriovctl ([a-z]+) - ', text, re.M))
        objects = text.split('Objects:\n', 1)[1].split('\n\n', 1)[0]
        # the commands that write JSON: OBJECT_VERB, or a command alone
        self.names = set('%s_%s' % m for m in re.findall(
            r'^  ([a-z]+) ([a-z]+) ', text, re.M) if m[0] in self.with_verbs)
        self.names |= set(o for o in re.findall(r'^  ([a-z]+) ', objects, re.M)
                          if o not in self.with_verbs and o != 'help')
        self.validators = {}

    def validator(self, name):
        if name not in self.validators:
            schema = dict(self.doc, **{'$ref': '#/$defs/' + name})
            self.validators[name] = jsonschema.Draft202012Validator(schema)
        return self.validators[name]

    def check(self, name, doc):
        """The first reason doc is not valid for name, or None."""
        error = jsonschema.exceptions.best_match(
            self.validator(name).iter_errors(doc))
        if error is None:
            return None
        # of "valid under none of": the reason in the branch it got furthest
        while error.context:
            error = max(error.context, key=lambda e: len(e.absolute_path))
        where = '/'.join(str(p) for p in error.absolute_path) or 'top level'
        return '%s: %s' % (where, error.message[:300])

    def command(self, args):
        """(schema name or None, JSON expected, indented) for sriovctl args."""
        words, js, pretty, i = [], False, False, 0
        while i < len(args):
            a = args[i]
            if a in GLOBAL_VALUE:
                i += 2
                continue
            i += 1
            if a in ('--help', '-h', '--version', '--schema', 'help'):
                return None, False, False
            if a in ('--json', '--pretty', '--format'):
                js = js or a != '--format' or args[i:i + 1] == ['json']
                pretty = pretty or a == '--pretty'
            elif re.fullmatch('-[%s]+' % GLOBAL_SHORT, a):
                js = js or 'j' in a or 'p' in a
                pretty = pretty or 'p' in a
            elif not a.startswith('-') and len(words) < 2:
                words.append(a)
        if not words:
            return None, js, pretty
        if words[0] not in self.with_verbs:
            name = words[0]
        else:
            name = words[0] + '_' + (words[1] if len(words) > 1 else 'list')
        return name if name in self.names else 'failure', js, pretty


def one_rule(doc, rc):
    """sriovctl(8): an error member exactly when the command failed."""
    error = doc.get('error') if isinstance(doc, dict) else None
    if rc == 0 and error is not None:
        return 'exit status 0 with an error member'
    if rc != 0 and error is None:
        return 'exit status %d without an error member' % rc
    if rc != 0 and error.get('code') != rc:
        return 'exit status %d, error code %s' % (rc, error.get('code'))
    return None


def check_output(schemas, args, out, rc):
    """Why the output of sriovctl args is wrong, '' when right, None: no JSON."""
    name, js, pretty = schemas.command(args)
    if name is None or not js:
        return None
    text = out.rstrip('\n')
    if not text:
        return 'no JSON on standard output'
    if not pretty and '\n' in text:
        return 'more than one line without -p'
    try:
        doc = json.loads(text)
    except ValueError as e:
        return 'not one JSON document: %s' % e
    return schemas.check(name, doc) or one_rule(doc, rc) or ''


def outputs(sriovctl, qdir):
    schemas = Schemas(sriovctl)
    for n in sorted((f[:-5] for f in os.listdir(qdir) if f.endswith('.args')),
                    key=int):
        base = os.path.join(qdir, n)
        with open(base + '.args', 'rb') as f:
            args = [a.decode(errors='replace') for a in f.read().split(b'\0')[:-1]]
        with open(base + '.out', encoding='utf-8', errors='replace') as f:
            out = f.read()
        with open(base + '.rc') as f:
            rc = int(f.read())
        why = check_output(schemas, args, out, rc)
        if why is None:
            continue
        name = schemas.command(args)[0]
        what = 'schema %s: sriovctl %s' % (name, ' '.join(args))
        print('ok %s' % what if not why else 'FAIL %s: %s' % (what, why))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == 'outputs':
        outputs(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
