#!/usr/bin/env python3
"""Baseline scanner for the benchmark, using the approach picklescan takes: pickletools.genops over every
pickle (all concatenated streams), zips opened with zipfile and members ending in .pkl scanned; safetensors
only have their header read. Collects GLOBAL/STACK_GLOBAL imports. Never unpickles anything.
Prints one JSON line: {"file", "seconds", "cpu", "maxrss_kb", "globals"} (cpu = whole process, start-up included)."""
import io
import json
import pickletools
import resource
import sys
import time
import zipfile


def scan_pickles(f, found):
    while True:
        first = f.read(1)
        if not first:
            return
        f.seek(-1, 1)
        strings = []
        for op, arg, _ in pickletools.genops(f):
            if op.name in ('SHORT_BINUNICODE', 'BINUNICODE', 'UNICODE', 'STRING', 'BINSTRING', 'SHORT_BINSTRING'):
                strings.append(arg)
            elif op.name == 'GLOBAL':
                found.add(arg.replace(' ', '.'))
            elif op.name == 'STACK_GLOBAL' and len(strings) >= 2:
                found.add('%s.%s' % (strings[-2], strings[-1]))
            elif op.name == 'STOP':
                break


def main(path):
    found = set()
    t0 = time.perf_counter()
    with open(path, 'rb') as f:
        head = f.read(8)
        f.seek(0)
        if head[:4] == b'PK\x03\x04':
            with zipfile.ZipFile(f) as z:
                for name in z.namelist():
                    if name.endswith('.pkl'):
                        with z.open(name) as m:
                            scan_pickles(io.BufferedReader(m), found)
        elif head[:1] == b'\x80':
            scan_pickles(f, found)
        else:
            n = int.from_bytes(head, 'little')
            f.seek(8)
            json.loads(f.read(n))
    secs = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({'file': path, 'seconds': secs, 'cpu': ru.ru_utime + ru.ru_stime, 'maxrss_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, 'globals': sorted(found)}))


if __name__ == '__main__':
    main(sys.argv[1])
