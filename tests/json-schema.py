#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""sriovctl's JSON output and its man pages against its JSON Schemas.

  json-schema.py outputs SRIOVCTL DIR
      DIR holds the documents tests/cli/lib.sh kept: N.args (the
      arguments, each ended by a NUL), N.out (standard output) and N.rc
      (the exit status). Each JSON document must be one line (or indented
      with -p), valid against "sriovctl help --schema" of its command,
      and follow sriovctl(8)'s rule: an "error" member exactly when the
      exit status is not 0, with that status as its code.
  json-schema.py man SRIOVCTL FAKESYS PAGE...
      Every "# sriovctl ..." example of the pages with -j, -p or
      "--format json" must show a complete JSON document, valid against
      the schema of its command; JSON in an example without such a
      command is an error. Examples in an .EX block after a comment
      naming "fakesys --preset demo" are run on that tree, and their
      output (standard output and error, blanks aside) must be the
      page's, where a line "..." stands for any lines.

Prints "ok WHAT" or "FAIL WHAT: why" per check.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

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
            r'^  ([a-z]+) ([a-z][a-z-]*) ', text, re.M) if m[0] in self.with_verbs)
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


ROFF = [(r'\-', '-'), (r'\(dq', '"'), (r'\(aq', "'"), (r'\(em', '-'),
        (r'\&', ''), (r'\%', ''), (r'\e', '\\')]


def unroff(line):
    out, i = '', 0
    while i < len(line):
        for esc, text in ROFF:
            if line.startswith(esc, i):
                out += text
                i += len(esc)
                break
        else:
            out += line[i]
            i += 1
    return out


def examples(path):
    """Blocks of examples: (line, demo, [(line, args, [output lines])])."""
    blocks, block, demo = [], None, False
    with open(path) as f:
        for no, raw in enumerate(f, 1):
            line = raw.rstrip('\n')
            if line.startswith('.EX'):
                block = (no, demo, [])
                blocks.append(block)
            elif line.startswith(('.EE', '.PP', '.SH', '.SS', '.TP', '.IP')):
                block, demo = None, False
            elif line.startswith('.\\"') and 'fakesys --preset demo' in line:
                demo = True
            elif block is not None and not line.startswith('.'):
                text = unroff(line)
                m = re.match(r'^[#$] (\S+)(.*)$', text)
                if m and m.group(1) == 'sriovctl':
                    block[2].append((no, m.group(2).split(), []))
                elif m:
                    block[2].append((no, None, []))
                elif block[2]:
                    block[2][-1][2].append(text)
                else:
                    block[2].append((no, None, [text]))
    return blocks


def check_example(schemas, where, args, lines):
    name, js, _ = schemas.command(args or [])
    if args is None or not js:
        if lines and lines[0].lstrip()[:1] in ('{', '['):
            print('FAIL %s: JSON without a "# sriovctl -j ..." line' % where)
        return
    what = '%s: schema %s: sriovctl %s' % (where, name, ' '.join(args))
    try:
        doc = json.loads('\n'.join(lines))
    except ValueError as e:
        print('FAIL %s: not a complete JSON document: %s' % (what, e))
        return
    why = schemas.check(name, doc)
    print('ok %s' % what if not why else 'FAIL %s: %s' % (what, why))


def pattern(lines):
    """A regular expression of the page's output: blanks aside, ... any."""
    parts = []
    for line in lines:
        if line.strip() == '...':
            parts.append(r'(?: .*)?')
        else:
            parts.append(''.join(' ' + re.escape(w) for w in line.split()))
    return re.compile(''.join(parts) + r'\Z', re.S)


def reproduce(sriovctl, fakesys, where, commands):
    tmp = tempfile.mkdtemp()
    try:
        subprocess.run([fakesys, '--preset', 'demo', tmp + '/sys'], check=True,
                       capture_output=True)
        env = dict(os.environ, SRIOVCTL_SYSFS_ROOT=tmp + '/sys',
                   SRIOVCTL_DEV_ROOT=tmp + '/dev', SRIOVCTL_STATE_DIR=tmp + '/state')
        for no, args, lines in commands:
            if args is None:
                continue
            p = subprocess.run([sriovctl] + args, env=env, capture_output=True,
                               text=True)
            want = pattern(lines)
            got = [' ' + ' '.join((a + b).split()) for a, b in
                   ((p.stdout, p.stderr), (p.stderr, p.stdout))]
            what = '%s:%d: sriovctl %s on the demo host' % (where, no, ' '.join(args))
            if any(want.match(g if g.strip() else '') for g in got):
                print('ok %s prints what the page shows' % what)
            else:
                print('FAIL %s prints, blanks aside: %s' % (what, got[0].strip()[:2000]))
    finally:
        shutil.rmtree(tmp)


SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          '..', 'cli', 'schemas')
JSON_TYPES = {'string': 'string', 'number': 'number', 'integer': 'number',
              'boolean': 'boolean', 'array': 'array', 'object': 'object',
              'null': 'null'}


def types_of(schema, defs, seen=()):
    """The JSON types a schema allows (number for integer); None: any."""
    if schema is True or not isinstance(schema, dict):
        return None
    if '$ref' in schema and 'type' not in schema:
        name = schema['$ref'].rsplit('/', 1)[1]
        return None if name in seen else types_of(defs[name], defs, seen + (name,))
    if 'enum' in schema:
        return set(JSON_TYPES[type(v).__name__.replace('str', 'string')
                              .replace('int', 'number').replace('bool', 'boolean')
                              .replace('NoneType', 'null')] for v in schema['enum'])
    if 'const' in schema:
        return types_of({'enum': [schema['const']]}, defs, seen)
    if 'anyOf' in schema:
        parts = [types_of(x, defs, seen) for x in schema['anyOf']]
        return None if None in parts else set().union(*parts)
    t = schema.get('type')
    if t is None:
        return None
    return set(JSON_TYPES[x] for x in ([t] if isinstance(t, str) else t))


def properties(schema, found):
    """Every property a file's definitions name, with its schemas."""
    if isinstance(schema, dict):
        for name, sub in schema.get('properties', {}).items():
            found.setdefault(name, []).append(sub)
        for v in schema.values():
            properties(v, found)
    elif isinstance(schema, list):
        for v in schema:
            properties(v, found)
    return found


def documented(pages):
    """Bold words of the pages, and the types their "(type)" entries give."""
    words, types = set(), {}
    for page in pages:
        with open(page) as f:
            for line in f:
                if not re.match(r'^\.(B|BR|RB|BI|IR|RI) ', line):
                    continue
                text = unroff(line[line.index(' ') + 1:].rstrip('\n'))
                words.update(w for w in re.split(r'[\s",()\[\]]+', text) if w)
                m = re.match(r'^(.*?) " \(([^)]*)\)"?$', line.rstrip('\n'))
                if not m or '(' in m.group(1):
                    continue
                said = set()
                for part in re.split(r',? or |, ', m.group(2).split(';')[0]):
                    first = part.strip().split(' ')[0]
                    if first in JSON_TYPES:
                        said.add(JSON_TYPES[first])
                for key in m.group(1).split('", "'):
                    key = unroff(key.split(' ', 1)[-1] if key.startswith('.') else key)
                    types.setdefault(key.strip(' "'), set()).update(said)
    return words, types


def check_members(schemas, file, pages):
    """Each member a schema file names is documented, with a type it has."""
    with open(os.path.join(SCHEMA_DIR, file)) as f:
        defs = json.load(f)
    words, types = documented(pages)
    for name, subs in sorted(properties(defs, {}).items()):
        what = '%s: member "%s" of cli/schemas/%s' % (', '.join(pages), name, file)
        if name not in words:
            print('FAIL %s is not documented (as a bold word)' % what)
            continue
        allowed = [types_of(x, schemas.doc['$defs']) for x in subs]
        if None in allowed or not types.get(name):
            print('ok %s is documented' % what)
            continue
        allowed = set().union(*allowed)
        if types[name] & allowed:
            print('ok %s is documented, as %s' % (what, ' or '.join(sorted(types[name]))))
        else:
            print('FAIL %s: the page says %s, the schema %s' % (
                what, ' or '.join(sorted(types[name])), ' or '.join(sorted(allowed))))


def man(sriovctl, fakesys, pages):
    schemas = Schemas(sriovctl)
    for page in pages:
        for _, demo, commands in examples(page):
            for no, args, lines in commands:
                check_example(schemas, '%s:%d' % (page, no), args, lines)
            if demo:
                reproduce(sriovctl, fakesys, page, commands)
    mandir = os.path.dirname(pages[0])
    for file in sorted(os.listdir(SCHEMA_DIR)):
        obj = file[:-len('.json')]
        names = ['sriovctl.8', 'sriovctl-vf.8'] if obj == 'common' else [
            'sriovctl-%s.8' % obj]
        check_members(schemas, file, [os.path.join(mandir, n) for n in names])


def main():
    if len(sys.argv) == 4 and sys.argv[1] == 'outputs':
        outputs(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 5 and sys.argv[1] == 'man':
        man(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
