"""Speed of the rehire model behind MLflow's scoring server against predict() in process.

    python benchmarks/bench_serve.py [--single 200] [--calls 1000] [--rows 1000] [--posts 20]

Saves the default model with ``rehire_model.mlflow.save_model``, starts ``mlflow models
serve --env-manager local`` on a free local port (the console scripts of this Python's
environment), measures, and stops it. The client keeps one HTTP connection open, as
``requests.Session`` or any pooled client does.

1. One record: median of --single POSTs of one record (``dataframe_records``) to
   ``/invocations`` against the median of --calls in-process ``predict(dict)`` of the
   same record.
2. A batch: median of --posts POSTs of --rows records (``dataframe_split``) against the
   median of as many in-process ``predict`` calls on the same records.
3. Where the time of a request goes: the server's steps timed in this process (MLflow
   parsing the JSON body into a DataFrame, pyfunc ``predict`` with MLflow's schema
   enforcement, the rehire pyfunc class alone, writing the JSON answer, and MLflow's
   whole ``invocations`` handler), an empty ``GET /ping`` round trip (HTTP, uvicorn,
   FastAPI), and what is left: handing the request to a worker thread and back.

Writes its files to a temporary folder. Figures are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import mlflow.pyfunc
import numpy as np
import pandas as pd
from mlflow.pyfunc import scoring_server

import rehire_model as rm
from rehire_model.mlflow import save_model, score


def median_seconds(job: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(path: Path, port: int, log: Path, timeout: float) -> subprocess.Popen:
    """``mlflow models serve`` of ``path``, once it answers ``/ping``."""
    bin_dir = Path(sys.executable).parent  # the console scripts mlflow and uvicorn
    env = {**os.environ, "PATH": os.pathsep.join([str(bin_dir), os.environ.get("PATH", "")])}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(bin_dir / "mlflow"), "models", "serve", "-m", str(path),
             "--env-manager", "local", "-h", "127.0.0.1", "-p", str(port)],
            cwd=path.parent, env=env, stdout=sink, stderr=subprocess.STDOUT,
            start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the scoring server stopped (exit code {process.returncode}):\n"
                     + log.read_text("utf-8", "replace")[-4000:])
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=2):
                return process
        except OSError:
            time.sleep(0.25)
    stop_server(process)
    sys.exit(f"the scoring server did not answer /ping within {timeout:.0f} s:\n"
             + log.read_text("utf-8", "replace")[-4000:])


def stop_server(process: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=30)
            return
        except subprocess.TimeoutExpired:
            continue


class Client:
    """One kept-alive HTTP connection to the scoring server."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def ping(self) -> None:
        self.connection.request("GET", "/ping")
        response = self.connection.getresponse()
        response.read()
        assert response.status == 200, response.status

    def invoke(self, body: bytes) -> bytes:
        self.connection.request("POST", "/invocations", body=body,
                                headers={"Content-Type": "application/json"})
        response = self.connection.getresponse()
        answer = response.read()
        assert response.status == 200, (response.status, answer[:2000])
        return answer

    def close(self) -> None:
        self.connection.close()


def us(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} us"


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.2f} ms"


def check_same(answer: bytes, expected: pd.DataFrame) -> None:
    """The served numbers and segments are those of predict() in process."""
    served = pd.DataFrame(json.loads(answer)["predictions"])
    for target in [c for c in expected.columns if c.startswith("p_")]:
        np.testing.assert_allclose(served[target], expected[target], rtol=0, atol=1e-12)
    assert served["segment"].tolist() == expected["segment"].tolist()


def breakdown(label: str, served: float, ping: float, body: bytes, pyfunc: Any,
              model: rm.RehireModel, repeat: int) -> None:
    """Time the server's steps for ``body`` in this process and print them."""
    metadata, schema = pyfunc.metadata, pyfunc.metadata.get_input_schema()
    parsed = scoring_server._parse_json_data(body, metadata, schema)
    frame, params = parsed.data, parsed.params
    predictions = pyfunc.predict(frame, params=params)
    parse = median_seconds(lambda: scoring_server._parse_json_data(body, metadata, schema),
                           repeat)
    predict = median_seconds(lambda: pyfunc.predict(frame, params=params), repeat)
    rehire = median_seconds(lambda: score(model, frame, params), repeat)
    write = median_seconds(
        lambda: scoring_server.predictions_to_json(predictions, io.StringIO()), repeat)
    handler = median_seconds(lambda: scoring_server.invocations(
        body, "application/json", pyfunc, schema), repeat)
    rows = [
        ("parse the JSON body into a DataFrame (MLflow)", parse),
        ("pyfunc predict", predict),
        ("  of which the rehire pyfunc class (score)", rehire),
        ("  of which MLflow's schema enforcement (difference)", predict - rehire),
        ("write the answer as JSON (MLflow)", write),
        ("MLflow's invocations() handler, all of the above", handler),
        ("empty GET /ping round trip (HTTP, uvicorn, FastAPI)", ping),
        ("left: body upload, worker thread hop, client", served - handler - ping),
        ("served POST /invocations", served),
    ]
    print(f"\nwhere the time of {label} goes (medians; server steps timed in this process):")
    for name, seconds in rows:
        print(f"  {name:<52} {ms(seconds):>10}  {seconds / served:6.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--single", type=int, default=200, help="POSTs of one record")
    parser.add_argument("--calls", type=int, default=1000,
                        help="in-process predict(dict) calls")
    parser.add_argument("--rows", type=int, default=1000, help="records per batch request")
    parser.add_argument("--posts", type=int, default=20, help="batch POSTs (and calls)")
    parser.add_argument("--timeout", type=float, default=120,
                        help="seconds the server may take to start")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, mlflow {version('mlflow')}, "
          f"uvicorn {version('uvicorn')}, pandas {pd.__version__}")
    model = rm.load_model()
    names = ["leaver_id", *(field.name for field in model.record_fields)]
    leavers = rm.make_leaver_survey(args.rows, random_state=3)[names]
    records = json.loads(leavers.to_json(orient="records"))  # as JSON carries them
    record = records[0]
    one = json.dumps({"dataframe_records": [record]}).encode()
    batch = json.dumps({"dataframe_split": {
        "columns": names, "data": [[r[n] for n in names] for r in records]}}).encode()

    with tempfile.TemporaryDirectory() as folder:
        path = save_model(model, Path(folder) / "rehire")
        port = free_port()
        started = time.perf_counter()
        process = start_server(path, port, Path(folder) / "server.log", args.timeout)
        start_seconds = time.perf_counter() - started
        client = Client(port)
        try:
            for _ in range(20):  # warm-up: first requests, lazy imports
                client.ping()
                client.invoke(one)
            check_same(client.invoke(one), model.predict(record))
            check_same(client.invoke(batch), model.predict(records))
            ping = median_seconds(client.ping, args.single)
            served_one = median_seconds(lambda: client.invoke(one), args.single)
            client.invoke(batch)
            served_batch = median_seconds(lambda: client.invoke(batch), args.posts)
            fresh_ping = median_seconds(
                lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/ping").read(), 50)
        finally:
            client.close()
            stop_server(process)
        pyfunc = mlflow.pyfunc.load_model(str(path))

    model.predict(record)
    local_one = median_seconds(lambda: model.predict(record), args.calls)
    local_batch = median_seconds(lambda: model.predict(records), args.posts)
    print(f"\nserver start (save excluded) until /ping answers: {start_seconds:.1f} s")

    print(f"\none record: served {ms(served_one)} (median of {args.single} POSTs), "
          f"predict(dict) in process {us(local_one)} (median of {args.calls:,})")
    print(f"  ratio served / in process: {served_one / local_one:.1f}")
    print(f"\n{args.rows:,} records: served {ms(served_batch)} (median of {args.posts} POSTs, "
          f"{len(batch) / 1e3:,.0f} kB of JSON), predict in process {ms(local_batch)}")
    print(f"  ratio served / in process: {served_batch / local_batch:.1f}; "
          f"served {args.rows / served_batch:,.0f} records/s against "
          f"{args.rows / local_batch:,.0f} in process")
    print(f"\nGET /ping: {ms(ping)} on a kept-alive connection, {ms(fresh_ping)} with a new "
          "connection per request (urllib)")

    breakdown("one record", served_one, ping, one, pyfunc, model, args.calls)
    breakdown(f"{args.rows:,} records", served_batch, ping, batch, pyfunc, model, args.posts)


if __name__ == "__main__":
    main()
