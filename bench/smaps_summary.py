#!/usr/bin/env python3
"""Where a process's memory is: /proc/PID/smaps summed per mapped file (anonymous and heap
mappings by their name), largest private first. Private = Private_Clean + Private_Dirty, the
figure the memory benchmark reports.   bench/smaps_summary.py PID"""
import collections
import re
import sys

HEADER = re.compile(r"^[0-9a-f]+-[0-9a-f]+ [rwxsp-]{4} ")
FIELDS = ("Private_Clean", "Private_Dirty", "Rss")

agg = collections.defaultdict(lambda: [0, 0, 0])
name = "[anon]"
with open(f"/proc/{sys.argv[1]}/smaps") as f:
    for line in f:
        if HEADER.match(line):
            parts = line.split(None, 5)
            name = parts[5].strip() if len(parts) > 5 else "[anon]"
            continue
        key, _, rest = line.partition(":")
        if key in FIELDS:
            agg[name][FIELDS.index(key)] += int(rest.split()[0])

print("%7s %7s %7s  %s" % ("clean", "dirty", "rss", "mapping (KiB)"))
total = [0, 0, 0]
for n, v in sorted(agg.items(), key=lambda kv: -(kv[1][0] + kv[1][1])):
    total = [a + b for a, b in zip(total, v)]
    if v[0] + v[1] >= 4 or v[2] >= 256:
        print("%7d %7d %7d  %s" % (v[0], v[1], v[2], n))
print("%7d %7d %7d  total" % tuple(total))
