#!/usr/bin/python3
"""check_json.py KEY... < JSON: standard input must be one JSON document (strict: no NaN),
holding every top-level KEY and no -1 sentinel anywhere (unknown figures are null)."""
import json
import sys


def reject_constant(name):
    raise ValueError("not JSON: " + name)


def sentinels(value, path="$"):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from sentinels(item, path + "." + key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from sentinels(item, "%s[%d]" % (path, index))
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and value == -1:
        yield path


document = json.loads(sys.stdin.read(), parse_constant=reject_constant)
missing = [key for key in sys.argv[1:] if key not in document]
found = list(sentinels(document))
if missing or found:
    sys.exit("missing keys %s, -1 sentinels at %s" % (missing, found))
print(json.dumps(document, ensure_ascii=False))
