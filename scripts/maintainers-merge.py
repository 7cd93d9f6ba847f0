#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Merge our MAINTAINERS entries into a kernel MAINTAINERS file.

Usage: maintainers-merge.py OURS THEIRS > MERGED
Entries are blocks separated by blank lines whose first line is the title.
Ours go in alphabetical order among the kernel's entries (which start after
the line "Maintainers List"); entries that are only about the out-of-tree
bench (titles containing "OVERLAY") are left out.
"""
import sys


def blocks(text):
    return [b for b in text.strip("\n").split("\n\n") if b.strip()]


def main():
    ours = [b for b in blocks(open(sys.argv[1]).read()) if "OVERLAY" not in b.split("\n")[0]]
    theirs = open(sys.argv[2]).read()
    head, sep, body = theirs.partition("\nMaintainers List\n")
    pre, _, entries = body.partition("\n\n")
    merged = blocks(entries)
    titles = {b.split("\n")[0] for b in merged}
    for b in ours:
        if b.split("\n")[0] in titles:
            continue
        i = 0
        while i < len(merged) and merged[i].split("\n")[0] < b.split("\n")[0]:
            i += 1
        merged.insert(i, b)
    sys.stdout.write(head + sep + pre + "\n\n" + "\n\n".join(merged) + "\n")


if __name__ == "__main__":
    main()
