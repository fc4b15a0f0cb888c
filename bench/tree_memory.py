#!/usr/bin/env python3
"""Print the peak memory of a process and all its descendants, in KiB.

Samples /proc every 0.1 s until the process PID exits, and sums the
proportional set size (Pss in /proc/N/smaps_rollup) of the process and its
descendants. Pss divides pages shared after fork() among the processes that
share them, so the sum is the tree's real footprint, unlike the resident set
size (GNU time's %M), which covers the largest single process only.
Short-lived peaks between two samples are missed, so the result is a lower
bound.

Run: bench/tree_memory.py PID   (prints one number when PID exits)
"""

import os
import sys
import time

INTERVAL = 0.1


def children_by_parent():
    parents = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name in brackets may contain spaces, so the fields are
        # counted from the closing bracket.
        fields = stat[stat.rfind(b")") + 2:].split()
        parents.setdefault(int(fields[1]), []).append(int(name))
    return parents


def tree_pss_kib(root):
    parents = children_by_parent()
    total = 0
    pending = [root]
    while pending:
        pid = pending.pop()
        pending.extend(parents.get(pid, []))
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


def main():
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        sys.exit("usage: tree_memory.py PID")
    root = int(sys.argv[1])
    peak = 0
    while os.path.exists(f"/proc/{root}"):
        peak = max(peak, tree_pss_kib(root))
        time.sleep(INTERVAL)
    print(peak)


if __name__ == "__main__":
    main()
