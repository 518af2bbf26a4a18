#!/usr/bin/env python3
"""Reads hafront log lines as fields, text (`STAMP LEVEL CATEGORY key=value ...`)
or JSON (one object per line), so tests match fields instead of prose.

usage: logfields.py [--count] [--from LINE] FILE CATEGORY [KEY=VALUE | KEY~TEXT | KEY]...
  KEY=VALUE  the field equals VALUE;  KEY~TEXT  it contains TEXT;  KEY  it is present.
Only events (lines with a seq field) match. Exit 0 when a line matches
(--count prints how many and exits 0).
"""
import json
import sys


def fields_of_text(rest):
    """key=value pairs; a value is bare or "quoted" with \\" and \\\\ escapes."""
    out, i, n = {}, 0, len(rest)
    while i < n:
        while i < n and rest[i] == ' ':
            i += 1
        eq = rest.find('=', i)
        if eq < 0:
            return None  # prose, not fields
        key = rest[i:eq]
        if not key or ' ' in key:
            return None
        i = eq + 1
        if i < n and rest[i] == '"':
            i += 1
            value = []
            while i < n and rest[i] != '"':
                if rest[i] == '\\' and i + 1 < n:
                    i += 1
                value.append(rest[i])
                i += 1
            i += 1
            out[key] = ''.join(value)
        else:
            end = rest.find(' ', i)
            end = n if end < 0 else end
            out[key] = rest[i:end]
            i = end
    return out


def parse(line):
    line = line.rstrip('\n')
    if line.startswith('{'):
        try:
            o = json.loads(line)
        except ValueError:
            return None, None
        return o.get('category'), {k: str(v) for k, v in o.items()}
    parts = line.split(' ', 3)
    if len(parts) < 4:
        return None, None
    return parts[2], fields_of_text(parts[3])


def matches(fields, wanted):
    for w in wanted:
        if '=' in w:
            k, v = w.split('=', 1)
            if fields.get(k) != v:
                return False
        elif '~' in w:
            k, v = w.split('~', 1)
            if v not in fields.get(k, ''):
                return False
        elif w not in fields:
            return False
    return True


def main(argv):
    count, first = False, 1
    while argv and argv[0].startswith('--'):
        if argv[0] == '--count':
            count = True
            argv = argv[1:]
        elif argv[0] == '--from':
            first, argv = int(argv[1]), argv[2:]
        else:
            break
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    path, category, wanted = argv[0], argv[1], argv[2:]
    hits = 0
    try:
        with open(path, errors='replace') as f:
            for number, line in enumerate(f, 1):
                if number < first:
                    continue
                cat, fields = parse(line)
                if cat == category and fields and 'seq' in fields and matches(fields, wanted):
                    hits += 1
    except FileNotFoundError:
        pass
    if count:
        print(hits)
        return 0
    return 0 if hits else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
