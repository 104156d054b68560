"""The load generator of bench_pages, run as its own process (python -m devtools.bench_load): GETs one
URL over HTTP/1.1 as fast as the server answers for a number of seconds, on N connections (threads; the
client waits on the socket most of the time), and prints one JSON line: requests, seconds, latencies.
Any answer other than 200 stops it with the status. Needs nothing but the standard library."""

import http.client
import json
import sys
import threading
import time


def drive(host, port, path, cookie, seconds, results, errors):
    connection = http.client.HTTPConnection(host, port, timeout=30)
    headers = {"Cookie": cookie, "Host": host, "X-Forwarded-Proto": "https", "Accept-Language": "ja"}
    latencies = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        start = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            errors.append(f"{path}: {response.status} {response.getheader('Location', '')}")
            return
        latencies.append((time.perf_counter() - start) * 1000)
        if response.getheader("Connection", "").lower() == "close":
            connection.close()  # gunicorn's sync workers close after each answer; reconnect
    connection.close()
    results.append(latencies)


def main(argv):
    host, port, path, cookie, seconds, connections = argv[0], int(argv[1]), argv[2], argv[3], float(argv[4]), int(argv[5])
    results, errors = [], []
    threads = [threading.Thread(target=drive, args=(host, port, path, cookie, seconds, results, errors))
               for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(ms for part in results for ms in part)
    print(json.dumps({"requests": len(latencies), "seconds": elapsed, "errors": errors,
                      "p50": latencies[len(latencies) // 2] if latencies else None}))


if __name__ == "__main__":
    main(sys.argv[1:])
