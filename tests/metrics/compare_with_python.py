#!/usr/bin/python3
"""Every metrics fixture, read by ops-parse-dump --json (one JSON array) and by Debian's prometheus_client
(/usr/bin/python3, python3-prometheus-client), must give the same samples: name, labels, value
(exactly; NaN == NaN) and timestamp, in the same order.

usage: compare_with_python.py DUMP_BINARY DATA_DIR [FILE...]
"""
import glob
import json
import math
import os
import subprocess
import sys

from prometheus_client import parser as text_parser
from prometheus_client.openmetrics import parser as om_parser


def choose_format(path, text):
    stripped = text.strip()
    if stripped.startswith("{"):
        return "json"
    if stripped.endswith("# EOF") or path.endswith(".openmetrics"):
        return "openmetrics"
    return "text"


def ts_ms(ts):
    if ts is None:
        return None
    if hasattr(ts, "sec"):  # openmetrics Timestamp(sec, nsec)
        return ts.sec * 1000 + ts.nsec // 1_000_000
    return int(math.floor(ts * 1000 + 0.5)) if isinstance(ts, float) else int(ts * 1000)


def python_samples(path):
    with open(path, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8")
    fmt = choose_format(path, text)
    out = []
    if fmt == "json":
        for k, v in json.loads(text).items():
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                out.append((k, {}, float(v), None))
        return fmt, sorted(out, key=lambda s: s[0])
    families = (om_parser if fmt == "openmetrics" else text_parser).text_string_to_metric_families(text)
    for fam in families:
        for s in fam.samples:
            out.append((s.name, dict(s.labels), float(s.value), ts_ms(s.timestamp)))
    return fmt, out


def cxx_samples(dump, path, fmt):
    proc = subprocess.run([dump, path, "--json"], capture_output=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{dump} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')}")
    out = []
    for o in json.loads(proc.stdout.decode("utf-8")):
        v = o["value"]
        v = float(v.replace("+Inf", "inf").replace("-Inf", "-inf").replace("NaN", "nan")) if isinstance(v, str) else float(v)
        out.append((o["name"], dict(o["labels"]), v, o["timestamp_ms"]))
    if fmt == "json":
        out.sort(key=lambda s: s[0])
    return out


def same_value(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b


def compare(dump, path):
    fmt, want = python_samples(path)
    got = cxx_samples(dump, path, fmt)
    problems = []
    if len(want) != len(got):
        problems.append(f"sample count: python {len(want)}, c++ {len(got)}")
    for i, (w, g) in enumerate(zip(want, got)):
        if w[0] != g[0] or w[1] != g[1] or not same_value(w[2], g[2]) or w[3] != g[3]:
            problems.append(f"sample {i}: python {w!r} != c++ {g!r}")
            if len(problems) > 5:
                break
    return fmt, len(want), problems


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    dump, data = sys.argv[1], sys.argv[2]
    files = sys.argv[3:] or sorted(glob.glob(os.path.join(data, "metrics", "*")))
    failed = 0
    for path in files:
        fmt, n, problems = compare(dump, path)
        status = "ok" if not problems else "MISMATCH"
        print(f"{status:8} {os.path.basename(path):28} {fmt:12} {n} samples")
        for p in problems:
            print("    " + p)
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
