"""A small load tool, run in its own process by bench_dashboard: N threads (one per session cookie), each requesting
the pages in turn for a number of seconds over its own HTTP/1.1 connection, kept open while the server keeps it
(a server that closes it after each answer gets a new one). Prints client-side latencies and its own CPU as JSON.

http.client rather than urllib.request: the same requests over the same sockets, without urllib's opener and
handler chain for each request, which cost more CPU than the pages themselves once they were cached (the tool runs
on the same two cores as the server it measures).

    python -m benchmarks.load_tool http://127.0.0.1:8906 60 '["/a/", "/b/"]' '["cookie1", ...]'
"""

import http.client
import json
import statistics
import sys
import threading
import time
from urllib.parse import urlsplit


def run(base, seconds, paths, cookies):
    latencies = {path: [] for path in paths}
    errors = []
    deadline = time.monotonic() + seconds
    address = urlsplit(base)

    def user(index, cookie):
        headers = {"Cookie": f"sessionid={cookie}", "Accept-Language": "vi"}
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        i = index
        while time.monotonic() < deadline:
            path = paths[i % len(paths)]
            i += 1
            started = time.monotonic()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    raise OSError(f"status {response.status}")
                latencies[path].append((time.monotonic() - started) * 1000)
            except (OSError, http.client.HTTPException) as error:
                errors.append(f"{path}: {error}")
                connection.close()
        connection.close()

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
