"""`make fuzz`: many generated inputs through the readers, the cleaner and every YAML loader.

    python tests/fuzz/run.py [--inputs 12000] [--hang 10] [--only NAME]

Each target of tests/fuzz/targets.py runs in a child process (Hypothesis generating its
share of the inputs), which reports each input as it starts and ends. The parent counts:
inputs run, tracebacks (an exception no user should see), hangs (an input still running
after --hang seconds: the child is killed and a new one goes on with a new seed), and
the peak memory of any child. It exits 1 unless there are no tracebacks, no hangs and
the peak stays under 1 GB.

To add a target, add a `Target` to targets.TARGETS; to add a different kind of trial
(kill -9 runs, concurrent ingests), add a script beside this one and a line to the
Makefile's `fuzz` target.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import selectors
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PEAK_LIMIT_MB = 1024


@dataclass
class Tally:
    name: str
    wanted: int
    inputs: int = 0
    tracebacks: int = 0
    hangs: int = 0
    slowest: float = 0.0
    peak_mb: int = 0
    failures: list[str] = field(default_factory=list)


def child(name: str, count: int, seed: int) -> None:
    """Run `count` generated inputs of one target, one line on stdout per event."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as with_seed

    from tests.fuzz.targets import TARGETS

    target = next(t for t in TARGETS if t.name == name)
    out = sys.stdout

    @with_seed(seed)
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(target.inputs)
    def run(value: object) -> None:
        out.write("start\n")
        out.flush()
        began = time.monotonic()
        try:
            target.check(value)
        except Exception as error:  # every exception is counted, none stops the run
            report = {
                "error": f"{type(error).__name__}: {error}"[:300],
                "where": traceback.format_exc().strip().splitlines()[-3:],
                "input": repr(value)[:300],
            }
            out.write("fail " + json.dumps(report) + "\n")
        out.write(f"ok {time.monotonic() - began:.3f}\n")
        out.flush()

    run()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.write(f"done {peak_kb}\n")
    out.flush()


def fuzz(tally: Tally, hang: float) -> None:
    """Feed one target its inputs in as many children as hangs make necessary."""
    seed = 0
    while tally.inputs < tally.wanted:
        seed += 1
        remaining = tally.wanted - tally.inputs
        process = subprocess.Popen(
            [sys.executable, __file__, "--child", tally.name, str(remaining), str(seed)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            text=True,
        )
        assert process.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ)
        running = False
        ran_here = 0
        while True:
            ready = selector.select(timeout=hang if running else 300)
            if not ready:  # an input has run for `hang` seconds (or the child is stuck)
                process.kill()
                process.wait()
                tally.hangs += 1
                tally.inputs += 1
                tally.failures.append(f"hang: an input ran over {hang:g} s (seed {seed})")
                break
            line = process.stdout.readline()
            if not line:  # the child died without saying so: a crash is a traceback too
                process.wait()
                if running:
                    tally.inputs += 1
                if running or process.returncode != 0:
                    tally.tracebacks += 1
                    tally.failures.append(f"child exited with {process.returncode}")
                if ran_here == 0 and not running:
                    return  # nothing more can be generated
                break
            kind, _, rest = line.rstrip("\n").partition(" ")
            if kind == "start":
                running = True
            elif kind == "fail":
                tally.tracebacks += 1
                if len(tally.failures) < 3:
                    tally.failures.append(rest)
            elif kind == "ok":
                running = False
                ran_here += 1
                tally.inputs += 1
                tally.slowest = max(tally.slowest, float(rest))
            elif kind == "done":
                tally.peak_mb = max(tally.peak_mb, int(rest) // 1024)
                process.wait()
                return


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--inputs", type=int, default=int(os.environ.get("FUZZ_INPUTS", 12000)))
    parser.add_argument("--hang", type=float, default=10.0, help="seconds that make a hang")
    parser.add_argument("--only", help="one target, by name")
    args = parser.parse_args()

    sys.path.insert(0, str(REPO))
    from tests.fuzz.targets import TARGETS

    targets = [t for t in TARGETS if args.only in (None, t.name)]
    total_weight = sum(t.weight for t in targets)
    tallies = [Tally(t.name, max(1, args.inputs * t.weight // total_weight)) for t in targets]
    began = time.monotonic()
    print(f"{'target':<16} {'inputs':>7} {'tracebacks':>10} {'hangs':>6} {'slowest s':>9}")
    for tally in tallies:
        fuzz(tally, args.hang)
        print(
            f"{tally.name:<16} {tally.inputs:>7} {tally.tracebacks:>10} {tally.hangs:>6} "
            f"{tally.slowest:>9.2f}",
            flush=True,
        )
    children_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    peak = max([children_peak, *(t.peak_mb for t in tallies)])
    inputs = sum(t.inputs for t in tallies)
    tracebacks = sum(t.tracebacks for t in tallies)
    hangs = sum(t.hangs for t in tallies)
    print(
        f"\ninputs run: {inputs}\ntracebacks: {tracebacks}\nhangs over {args.hang:g} s: {hangs}"
        f"\npeak memory: {peak} MB\ntime: {time.monotonic() - began:.0f} s"
    )
    for tally in tallies:
        for failure in tally.failures[:5]:
            print(f"  {tally.name}: {failure}")
    return 0 if tracebacks == 0 and hangs == 0 and peak < PEAK_LIMIT_MB else 1


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        sys.path.insert(0, str(REPO))
        child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit(main())
