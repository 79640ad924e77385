"""A small load tool, run in its own process by bench_dashboard: N threads (one per session cookie),
each requesting the pages in turn for a number of seconds. Prints client-side latencies as JSON.

    python -m benchmarks.load_tool http://127.0.0.1:8906 60 '["/a/", "/b/"]' '["cookie1", ...]'
"""

import json
import statistics
import sys
import threading
import time
import urllib.request


def run(base, seconds, paths, cookies):
    latencies = {path: [] for path in paths}
    errors = []
    deadline = time.monotonic() + seconds

    def user(index, cookie):
        i = index
        while time.monotonic() < deadline:
            path = paths[i % len(paths)]
            i += 1
            request = urllib.request.Request(
                base + path, headers={"Cookie": f"sessionid={cookie}", "Accept-Language": "vi"}
            )
            started = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    response.read()
                latencies[path].append((time.monotonic() - started) * 1000)
            except OSError as error:
                errors.append(f"{path}: {error}")

    threads = [threading.Thread(target=user, args=(i, c)) for i, c in enumerate(cookies)]
    started, cpu_started = time.monotonic(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    cpu_seconds = time.process_time() - cpu_started
    total = sum(len(v) for v in latencies.values())
    return {
        "p95": {
            p: (statistics.quantiles(v, n=20)[18] if len(v) >= 20 else max(v, default=0)) for p, v in latencies.items()
        },
        "count": {p: len(v) for p, v in latencies.items()},
        "errors": len(errors),
        "first_errors": errors[:3],
        "rps": total / elapsed,
        "cpu_seconds": cpu_seconds,
    }


if __name__ == "__main__":
    base, seconds, paths, cookies = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3]), json.loads(sys.argv[4])
    print(json.dumps(run(base, seconds, paths, cookies)))
