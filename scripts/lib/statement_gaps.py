"""Gaps between the statements of one unit of work, from PostgreSQL's statement log: how the default
of unit_of_work_gap_ms was chosen (README, "N+1 queries and repeated statements").

Usage: python3 statement_gaps.py LOGFILE APPLICATION_PREFIX
The server must log with log_min_duration_statement = 0 and log_line_prefix = '%m|%p|%a|'. A gap is
from one statement's end (the log line's time) to the next one's start (its time less its duration) on
the same backend; gaps after COMMIT, ROLLBACK or a pool's reset are between units and left out.
Timestamps have millisecond resolution.
"""
import datetime
import re
import statistics
import sys

LINE = re.compile(r"^(\S+ \S+) UTC\|(\d+)\|([^|]*)\|LOG:  duration: ([\d.]+) ms  (?:statement|execute [^:]*): (.*)")
BOUNDARY = re.compile(r"^\s*(COMMIT|ROLLBACK|END|DISCARD ALL|RESET ALL|SELECT pg_advisory_unlock_all)\b", re.I)


def main():
    path, prefix = sys.argv[1:3]
    last = {}
    gaps = []
    for line in open(path, encoding="utf-8", errors="replace"):
        match = LINE.match(line)
        if not match or not match.group(3).startswith(prefix):
            continue
        end = datetime.datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp()
        pid, duration, text = match.group(2), float(match.group(4)) / 1000, match.group(5)
        if pid in last and not BOUNDARY.match(last[pid][1]):
            gaps.append((max(0.0, end - duration - last[pid][0]) * 1000, match.group(3)))
        last[pid] = (end, text)
    values = sorted(gap for gap, _ in gaps)
    if not values:
        sys.exit("no statements of applications starting with " + prefix)
    print(
        f"{len(values)} gaps within units: median {statistics.median(values):.1f} ms, "
        f"p99 {values[int(len(values) * 0.99)]:.1f} ms, max {values[-1]:.1f} ms"
    )
    for gap, application in sorted(gaps)[-3:]:
        print(f"  {gap:.1f} ms in {application}")


main()
