#!/usr/bin/python3
"""Parses bhiv-gateway-sim's metrics with the real prometheus_client parsers (Debian package).

Usage: /usr/bin/python3 check_prometheus_client.py /path/to/bhiv-gateway-sim
"""
import subprocess
import sys
import urllib.request

from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_om
from prometheus_client.parser import text_string_to_metric_families as parse_text

SIM = sys.argv[1]

EXPECTED = {
    "plan": ("/metrics", {
        "api_requests": "counter", "api_request_duration_seconds": "histogram",
        "active_workflows_total": "gauge"}),
    "modular": ("/metrics/prometheus", {
        "api_requests": "counter", "api_request_duration_seconds": "histogram",
        "active_workflows_total": "gauge", "workflow_executions": "counter",
        "system_memory_usage_bytes": "gauge", "system_cpu_usage_percent": "gauge",
        "database_connections_active": "gauge", "api_errors": "counter"}),
    "monolith": ("/metrics", {
        "api_response_seconds": "histogram", "errors": "counter",
        "active_users_current": "gauge", "database_connections_active": "gauge",
        "match_success_rate": "gauge", "resumes_processed": "counter",
        "job_postings_created": "counter"}),
}
DEFAULTS = {"process_cpu_seconds": "counter", "process_open_fds": "gauge",
            "python_info": "gauge", "python_gc_objects_collected": "counter"}


def start(dialect, extra):
    proc = subprocess.Popen([SIM, "--port", "0", "--dialect", dialect, "--seed", "5"] + extra,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    assert line.startswith("listening on http://127.0.0.1:"), line
    return proc, line[len("listening on "):]


def fetch(url, accept=None):
    req = urllib.request.Request(url)
    if accept:
        req.add_header("Accept", accept)
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.headers.get("Content-Type"), resp.read().decode("utf-8")


def check_families(families, expected, label):
    by_name = {f.name: f for f in families}
    for name, mtype in {**expected, **DEFAULTS}.items():
        assert name in by_name, f"{label}: family {name} missing (have {sorted(by_name)})"
        assert by_name[name].type == mtype, f"{label}: {name} is {by_name[name].type}, not {mtype}"
    for fam in families:
        for s in fam.samples:
            assert s.value == s.value, f"{label}: NaN in {s.name}"
            if fam.type in ("counter", "histogram") and not s.name.endswith("_created"):
                assert s.value >= 0, f"{label}: negative {s.name}"
    hist = [f for f in families if f.type == "histogram"][0]
    counts = [s.value for s in hist.samples if s.name.endswith("_count")]
    sums = [s.value for s in hist.samples if s.name.endswith("_sum")]
    assert sum(counts) > 100, f"{label}: histogram count too small {sum(counts)}"
    mean = sum(sums) / sum(counts)
    assert 0.01 < mean < 1.0, f"{label}: implausible mean latency {mean}"
    # Buckets are cumulative and end with +Inf == _count.
    buckets = [s for s in hist.samples if s.name.endswith("_bucket")]
    assert buckets[14].labels["le"] == "+Inf"
    return len(sum((f.samples for f in families), []))


def main():
    runs = [("plan", []), ("modular", []), ("monolith", []), ("modular", ["--endpoints", "180"]),
            ("monolith", ["--endpoints", "180"])]
    for dialect, extra in runs:
        proc, base = start(dialect, extra)
        try:
            path, expected = EXPECTED[dialect]
            label = f"{dialect} {' '.join(extra)}".strip()
            ctype, text = fetch(base + path)
            assert ctype == "text/plain; version=0.0.4; charset=utf-8", ctype
            n = check_families(list(parse_text(text)), expected, label + " text")
            ctype, om = fetch(base + path, "application/openmetrics-text; version=1.0.0")
            assert ctype.startswith("application/openmetrics-text; version=1.0.0"), ctype
            check_families(list(parse_om(om)), expected, label + " openmetrics")
            print(f"ok {label}: {len(text)} bytes, {n} samples")
        finally:
            proc.terminate()
            proc.wait(timeout=5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
