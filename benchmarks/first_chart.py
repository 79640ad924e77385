"""Time to the first chart drawn on a first visit (issue 25.10: under 1 s), in headless Chromium, for two servers side
by side — e.g. main and a branch — each page load in a fresh browser context (nothing cached), the two servers in
turn so both meet the same machine load. On the loopback, and with the network of a provincial office (10 Mbit/s,
40 ms round trip, Chromium's network emulation).

    python -m benchmarks.first_chart NAME=URL NAME=URL [PAGE] [RUNS]

PAGE defaults to the Sơn La area page of the demo (ten charts, the Sankey among them); it logs in as the demo
manager."""

import json
import statistics
import sys

from playwright.sync_api import sync_playwright

NETWORKS = {
    "loopback": None,
    "10 Mbit/s, 40 ms": {"offline": False, "latency": 40, "downloadThroughput": 1_250_000, "uploadThroughput": 625_000},
}
FIRST_DRAWN = "() => document.querySelector('.chart[data-drawn=\"1\"] svg.main-svg')"


def first_chart(browser, base, page_path, network):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", "demo")
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()
    if network:
        context.new_cdp_session(page).send("Network.emulateNetworkConditions", network)
    sizes = []
    page.on("response", lambda r: "plotly" in r.url and sizes.append(r.headers.get("content-length")))
    page.goto(f"{base}{page_path}", wait_until="commit")
    page.wait_for_function(FIRST_DRAWN, polling="raf", timeout=60_000)
    drawn = page.evaluate("performance.now()")  # since the navigation started
    context.close()
    return drawn, sizes


def main(servers, page_path, runs):
    times = {(name, net): [] for name in servers for net in NETWORKS}
    wire = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for _ in range(runs):
            for net, conditions in NETWORKS.items():
                for name, base in servers.items():
                    ms, sizes = first_chart(browser, base, page_path, conditions)
                    times[name, net].append(ms)
                    wire[name] = sizes
        browser.close()
    return {
        "median_ms": {f"{n} · {net}": statistics.median(v) for (n, net), v in times.items()},
        "all_ms": {f"{n} · {net}": [round(x) for x in v] for (n, net), v in times.items()},
        "plotly_bytes_on_the_wire": wire,
    }


if __name__ == "__main__":
    servers = dict(arg.split("=", 1) for arg in sys.argv[1:] if "=" in arg)
    rest = [arg for arg in sys.argv[1:] if "=" not in arg]
    page_path = rest[0] if rest else "/dashboards/areas/14/"
    runs = int(rest[1]) if len(rest) > 1 else 5
    print(json.dumps(main(servers, page_path, runs), indent=1, ensure_ascii=False))
