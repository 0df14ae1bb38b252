#!/usr/bin/env python3
"""The folder rule of docs/DEVELOPING.md: a folder includes only itself and what lies below it.

    runtime/  <-  host/  <-  trainer/, tools/  (siblings: neither includes the other)

Every `#include "..."` in runtime/, host/, trainer/ and tools/ is resolved to the folder
that holds it: rooted names by their prefix (softedge/host/, softedge/train/,
softedge/tools/, else softedge/ is the runtime's public API), a bare name only beside the
including file (a private header of the same directory). Anything else is a violation.

usage: check_includes.py SOURCE_DIR       check the tree, print each violation, exit 1 if any
       check_includes.py --self-test      prove the checker catches each kind of violation
"""
import os
import re
import sys
import tempfile

ALLOWED = {
    'runtime': {'runtime'},
    'host': {'runtime', 'host'},
    'trainer': {'runtime', 'host', 'trainer'},
    'tools': {'runtime', 'host', 'tools'},
}
ROOTS = [('softedge/host/', 'host'), ('softedge/train/', 'trainer'),
         ('softedge/tools/', 'tools'), ('softedge/', 'runtime')]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
SOURCE_SUFFIXES = ('.h', '.hpp', '.c', '.cpp', '.cc', '.in')


def owner(name):
    """The folder a rooted include name belongs to, or None."""
    for prefix, folder in ROOTS:
        if name.startswith(prefix):
            return folder
    return None


def violations(source_dir):
    found = []
    for folder, allowed in ALLOWED.items():
        for directory, _, files in os.walk(os.path.join(source_dir, folder)):
            for file in sorted(files):
                if not file.endswith(SOURCE_SUFFIXES):
                    continue
                path = os.path.join(directory, file)
                relative = os.path.relpath(path, source_dir)
                with open(path, encoding='utf-8', errors='replace') as text:
                    names = INCLUDE.findall(text.read())
                for name in names:
                    if '/' not in name:
                        if not os.path.exists(os.path.join(directory, name)):
                            found.append(f'{relative}: "{name}" is not beside it (use a rooted path)')
                        continue
                    target = owner(name)
                    if target is None:
                        found.append(f'{relative}: "{name}" is in no folder of the project')
                    elif target not in allowed:
                        found.append(f'{relative}: "{name}" is in {target}/, above or beside {folder}/')
    return found


def self_test():
    """Each kind of violation is reported; a clean tree passes."""
    cases = {
        'runtime/src/a.cpp': '#include "softedge/host/dataset.h"\n',      # upwards
        'host/src/b.cpp': '#include "softedge/train/network.h"\n',        # upwards
        'trainer/src/c.cpp': '#include "softedge/tools/commands.h"\n',    # sideways
        'tools/src/d.cpp': '#include "softedge/train/gemm.h"\n',          # sideways
        'tools/src/e.cpp': '#include "dataset.h"\n',                       # bare, not beside
        'host/src/f.cpp': '#include "trainer/src/x.h"\n',                  # not rooted
    }
    clean = {
        'runtime/src/ok.cpp': '#include "softedge/model.h"\n#include "local.h"\n',
        'runtime/src/local.h': '',
        'host/src/ok.cpp': '#include "softedge/host/dataset.h"\n#include "softedge/format.h"\n',
        'trainer/src/ok.cpp': '#include "softedge/host/file_io.h"\n#include "softedge/train/x.h"\n',
        'tools/src/ok.cpp': '#include "softedge/tools/y.h"\n#include <vector>\n',
    }
    with tempfile.TemporaryDirectory() as root:
        for path, text in {**cases, **clean}.items():
            os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
            with open(os.path.join(root, path), 'w') as out:
                out.write(text)
        found = violations(root)
    flagged = {line.split(':')[0] for line in found}
    missed = set(cases) - flagged
    wrongly = flagged - set(cases)
    if missed or wrongly or len(found) != len(cases):
        print('self-test failed: missed', sorted(missed), 'wrongly flagged', sorted(wrongly))
        return 1
    print(f'self-test: all {len(cases)} kinds of violation caught, the clean files pass')
    return 0


def main(argv):
    if argv[1:] == ['--self-test']:
        return self_test()
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    found = violations(argv[1])
    for line in found:
        print(line)
    if found:
        print(f'{len(found)} include(s) break the folder rule (docs/DEVELOPING.md)')
        return 1
    print('every include stays within its folder or below it')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
