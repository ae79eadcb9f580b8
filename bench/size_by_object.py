#!/usr/bin/env python3
"""What an executable's bytes are made of, per input object, from GNU ld's map file.

Usage: bench/size_by_object.py MAP [TOP]

Sums the sizes of the input sections that the link kept (after --gc-sections) in the loaded
output sections (.text, .rodata, .data, .bss, ...), per object file (archive members by their
own name), and prints a Markdown table of the TOP largest (default 15) and the rest.
"""
import collections
import re
import sys

# An input section line: " .text._ZN...  0x0000000000401000  0x1a4 path/file.o" (the name may
# stand alone on the line before when it is long).
ADDR_SIZE_FILE = re.compile(r"^\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\S.*)$")
SECTION_LINE = re.compile(r"^ (\.\S+)(?:\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\S.*))?$")
KEPT = (".text", ".rodata", ".data", ".bss", ".sdata", ".sbss", ".eh_frame", ".gcc_except_table",
        ".init_array", ".fini_array", ".data.rel.ro", ".got", ".tbss", ".tdata")


def short(path):
    m = re.match(r"^(.*?)\((.*)\)$", path)
    if m:  # archive(member)
        lib = m.group(1).rsplit("/", 1)[-1]
        return f"{lib}: {m.group(2)}"
    name = path.rsplit("/", 1)[-1]
    return name.replace(".cc.o", ".cc").replace(".o", "")


def parse(lines):
    sizes = collections.Counter()
    in_map = False
    pending = None
    for line in lines:
        if line.startswith("Linker script and memory map"):
            in_map = True
            continue
        if not in_map:
            continue
        m = SECTION_LINE.match(line)
        if m:
            pending = m.group(1)
            if m.group(2) is None:
                continue
            addr, size, path = m.group(2), m.group(3), m.group(4)
        else:
            m = ADDR_SIZE_FILE.match(line)
            if not m or pending is None:
                pending = None
                continue
            addr, size, path = m.groups()
        section, pending = pending, None
        if int(addr, 16) == 0 or not section.startswith(KEPT) or path.startswith("*"):
            continue
        sizes[short(path.strip())] += int(size, 16)
    return sizes


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    with open(sys.argv[1], errors="replace") as f:
        sizes = parse(f)
    total = sum(sizes.values())
    print("| object | KiB | share |")
    print("|---|---:|---:|")
    for name, size in sizes.most_common(top):
        print(f"| {name} | {size / 1024:.1f} | {100 * size / total:.1f} % |")
    rest = sum(size for _, size in sizes.most_common()[top:])
    print(f"| {len(sizes) - top} other objects | {rest / 1024:.1f} | {100 * rest / total:.1f} % |")
    print(f"| **total (loaded sections)** | {total / 1024:.1f} | |")


if __name__ == "__main__":
    main()
