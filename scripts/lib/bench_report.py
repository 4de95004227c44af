#!/usr/bin/env python3
"""Turn scripts/bench raw results (TSV: mode clients target round tps latency_ms proxy_cpu_us
postgres_cpu_us pgbench_cpu_us) into Markdown, one table per (mode, clients) cell, medians over rounds.
proxy_cpu_us is the proxy process's CPU time (user + system) per transaction, nan for direct
PostgreSQL; postgres_cpu_us and pgbench_cpu_us are PostgreSQL's (postmaster and all its children) and
pgbench's.

usage: bench_report.py RESULTS.tsv TARGETS(comma list)
"""
import random
import statistics
import sys

# Issue 3's bound: pglens+tls/direct+tls may be at most this much below pglens/direct.
TLS_BOUND = -0.05


def med(xs):
    xs = [x for x in xs if x == x]  # drop NaN (failed runs)
    return statistics.median(xs) if xs else None


def fmt(x, spec):
    return format(x, spec) if x is not None else "failed"


def paired(runs, formula):
    """formula applied to each round's TPS by target, for the rounds in which every target it reads
    succeeded; the runs of one round follow each other, so the values share the machine's state."""
    values = []
    rounds = max(len(v) for v in runs.values())
    for i in range(rounds):
        by_target = {t: r[i][0] for t, r in runs.items() if i < len(r) and r[i][0] == r[i][0]}
        try:
            values.append(formula(by_target))
        except (KeyError, ZeroDivisionError):
            continue
    return values


def bootstrap_interval(values, confidence=0.95, resamples=10000):
    """A percentile bootstrap confidence interval of the median of values (resampled with a fixed seed,
    so that the same results give the same interval); None for fewer than 4 values."""
    if len(values) < 4:
        return None
    rng = random.Random(20261127)
    medians = sorted(statistics.median(rng.choices(values, k=len(values))) for _ in range(resamples))
    tail = (1 - confidence) / 2
    return medians[int(tail * resamples)], medians[int((1 - tail) * resamples) - 1]


def parity_floor(direct, direct_tls, pglens):
    """The TLS ratio minus the plain ratio that pglens would show if each of its four TLS record operations
    per round trip cost what each of pgbench's and PostgreSQL's four cost. With pgbench, PostgreSQL and
    pglens on the same cores, a transaction's time is the sum of their CPU times: direct+tls takes TLS's
    cost T once more than direct, pglens+tls takes pglens's plain time plus 2T (twice the record
    operations). The lower pglens's own plain-text cost, the lower this floor."""
    t = 1 / direct_tls - 1 / direct
    tls_ratio = (1 / direct_tls) / (1 / pglens + 2 * t)
    return tls_ratio - pglens / direct


def tls_cpu_line(cpus, others):
    """TLS's CPU per transaction as measured: pglens's own (four record operations per round trip),
    and pgbench's plus PostgreSQL's (four as well), directly and through pglens; None without the data."""

    def both(t):
        pg, pgb = others.get(t, (None, None))
        return pg + pgb if pg is not None and pgb is not None else None

    pieces = []
    if cpus.get("pglens+tls") is not None and cpus.get("pglens") is not None:
        pieces.append(f"pglens {cpus['pglens+tls'] - cpus['pglens']:.1f}")
    if both("direct+tls") is not None and both("direct") is not None:
        pieces.append(f"pgbench + PostgreSQL direct {both('direct+tls') - both('direct'):.1f}")
    if both("pglens+tls") is not None and both("pglens") is not None:
        pieces.append(f"pgbench + PostgreSQL through pglens {both('pglens+tls') - both('pglens'):.1f}")
    return "TLS CPU per transaction (µs, TLS run minus plain run): " + ", ".join(pieces) if pieces else None


def bound_verdict(interval):
    """What the interval of the TLS-minus-plain difference says of the bound."""
    low, high = interval
    if low >= TLS_BOUND:
        return f"meets the bound ({TLS_BOUND:+.2f}): the whole interval is above it"
    if high < TLS_BOUND:
        return f"misses the bound ({TLS_BOUND:+.2f}): the whole interval is below it"
    return f"undecided: the interval contains the bound ({TLS_BOUND:+.2f}); more rounds or a quieter machine"


def main(path, targets):
    cells = {}
    for line in open(path):
        fields = line.rstrip("\n").split("\t")
        mode, clients, target, _round, tps, lat = fields[:6]
        cpu, pg_cpu, pgbench_cpu = (fields[6:9] + ["nan"] * 3)[:3]
        cell = cells.setdefault((mode, int(clients)), {})
        cell.setdefault(target, []).append(
            (float(tps), float(lat), float(cpu), float(pg_cpu), float(pgbench_cpu)))
    for (mode, clients), runs in cells.items():
        rounds = max(len(v) for v in runs.values())
        print(f"### `-M {mode}`, `-c {clients}` (median of {rounds} run{'s' if rounds != 1 else ''})")
        print()
        print(
            "| target | TPS | avg latency (ms) | proxy CPU per txn (µs) | PostgreSQL CPU per txn (µs) "
            "| pgbench CPU per txn (µs) | failed runs |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|")
        tps = {}
        cpus = {}
        others = {}
        for t in targets:
            if t not in runs:
                continue
            r = runs[t]
            tps[t] = med([x[0] for x in r])
            lat = med([x[1] for x in r])
            cpu = med([x[2] for x in r])
            cpus[t] = cpu
            pg_cpu = med([x[3] for x in r])
            pgbench_cpu = med([x[4] for x in r])
            others[t] = (pg_cpu, pgbench_cpu)
            failed = sum(1 for x in r if x[0] != x[0])
            cells_text = [fmt(v, ".1f") if v is not None else "–" for v in (cpu, pg_cpu, pgbench_cpu)]
            print(f"| {t} | {fmt(tps[t], '.0f')} | {fmt(lat, '.3f')} | {' | '.join(cells_text)} | {failed} |")
        ratios = []
        for other in ("direct", "pgbouncer"):
            if tps.get("pglens") and tps.get(other):
                ratios.append(f"pglens/{other} TPS = {tps['pglens'] / tps[other]:.2f}")
        if tps.get("pglens") and tps.get("pglens-noanalysis"):
            ratios.append(f"analysis on/off TPS = {tps['pglens'] / tps['pglens-noanalysis']:.3f}")
            if cpus.get("pglens") is not None and cpus.get("pglens-noanalysis") is not None:
                extra = cpus["pglens"] - cpus["pglens-noanalysis"]
                ratios.append(f"analysis CPU = {extra:+.1f} µs per transaction")
        if tps.get("pglens+tls") and tps.get("direct+tls"):
            tls_ratio = tps["pglens+tls"] / tps["direct+tls"]
            ratios.append(f"pglens+tls/direct+tls TPS = {tls_ratio:.2f}")
            if tps.get("pglens") and tps.get("direct"):
                plain_ratio = tps["pglens"] / tps["direct"]
                ratios.append(f"TLS ratio minus plain ratio = {tls_ratio - plain_ratio:+.2f}")
                per_round = paired(runs, lambda r: r["pglens+tls"] / r["direct+tls"] - r["pglens"] / r["direct"])
                if per_round:
                    ratios.append(
                        "the same within each round (the four runs of a round follow each other): "
                        + ", ".join(f"{x:+.2f}" for x in per_round)
                        + f" (median {statistics.median(per_round):+.2f})"
                    )
                    interval = bootstrap_interval(per_round)
                    if interval:
                        ratios.append(
                            f"95 % bootstrap interval of that median {interval[0]:+.2f} to {interval[1]:+.2f}: "
                            + bound_verdict(interval)
                        )
                    floor = parity_floor(tps["direct"], tps["direct+tls"], tps["pglens"])
                    ratios.append(
                        f"at parity (pglens's TLS record operations costing what pgbench's and PostgreSQL's cost) "
                        f"the difference would be {floor:+.2f}"
                    )
                tls_cpu = tls_cpu_line(cpus, others)
                if tls_cpu:
                    ratios.append(tls_cpu)
        if ratios:
            print()
            print("; ".join(ratios))
        print()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2].split(","))
