"""Speed of the rehire model behind MLflow's scoring server against predict() in process,
and against MLflow's own floor.

    python benchmarks/bench_serve.py [--single 200] [--calls 1000] [--rows 1000] [--posts 20]
                                     [--rounds 4] [--quantile 0.5] [--declared-inputs]

Saves the default model with ``rehire_model.mlflow.save_model`` and, beside it, MLflow's
floor: a pyfunc model with the same signature that answers every request with a constant
table of the same columns (as many rows as records) and does nothing else. Starts
``mlflow models serve --env-manager local`` of each on a free local port (the console
scripts of this Python's environment), measures, and stops them. Each client keeps one
HTTP connection open, as ``requests.Session`` or any pooled client does. The two servers
are measured in turns (--rounds), so that a busy machine weighs on both alike.

1. One record: median of --single POSTs of one record (``dataframe_records``) to
   ``/invocations`` against the median of --calls in-process ``model.predict(dict)`` of
   the same record, and against the floor's POSTs.
2. A batch: median of --posts POSTs of --rows records (``dataframe_split``) against the
   median of as many in-process ``predict`` calls on the same records, and the floor's.
3. Where the time of one served record goes: MLflow's steps timed in this process
   (parsing the JSON body into a DataFrame, the pyfunc layer, the rehire pyfunc class,
   ``model.predict`` within it, writing the JSON answer, the rest of MLflow's
   ``invocations`` handler), an empty ``GET /ping`` round trip (HTTP, uvicorn,
   FastAPI), and what is left: the body's upload and the hop to a worker thread.

Every figure is a median (``--quantile 0.5``). On a busy machine a step of a few
milliseconds is often paused while other processes run, and a longer run of steps more
often than a short one; ``--quantile 0.1`` then comes nearer what a quiet machine gives.

``--declared-inputs`` declares the record fields as input columns in both models'
signatures (categories as text, the other fields as "any", as models saved by earlier
versions did), to measure what MLflow's check of declared inputs costs.

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
from mlflow.models import Model, ModelSignature
from mlflow.pyfunc import scoring_server
from mlflow.types.schema import AnyType, ColSpec, Schema

import rehire_model as rm
from rehire_model.mlflow import save_model, signature

#: MLflow's floor, as a "models from code" file: a constant answer, nothing else.
FLOOR_CODE = '''\
"""MLflow's floor: every request answered with the same table, as many rows as records."""

import mlflow
import pandas as pd

ROW = {row!r}


class Constant(mlflow.pyfunc.PythonModel):
    def __init__(self):
        self.answers = {{}}

    def predict(self, context, model_input, params=None):
        n = len(model_input)
        if n not in self.answers:
            self.answers[n] = pd.DataFrame([ROW] * n)
        return self.answers[n]


mlflow.models.set_model(Constant())
'''


#: The quantile of the timings that every figure is (0.5: medians), set by --quantile.
QUANTILE = 0.5


def typical(values: list[float]) -> float:
    """The :data:`QUANTILE` of ``values``."""
    return float(np.quantile(values, QUANTILE))


def typical_seconds(job: Callable[[], object], repeat: int) -> float:
    return typical(timings(job, repeat))


def statistic() -> str:
    return "medians" if QUANTILE == 0.5 else f"{QUANTILE:.0%} quantiles"


def timings(job: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return times


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
    """One kept-alive HTTP connection to a scoring server."""

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


def save_floor(model: rm.RehireModel, record: dict[str, Any], path: Path) -> Path:
    """MLflow's floor beside the rehire model: same signature, a constant answer."""
    row = json.loads(model.predict(record).to_json(orient="records"))[0]
    code = path.parent / "floor_model.py"
    code.write_text(FLOOR_CODE.format(row=row), encoding="utf-8")
    mlflow.pyfunc.save_model(str(path), python_model=str(code), signature=signature(model))
    return path


def declare_inputs(path: Path, model: rm.RehireModel) -> None:
    """Declare the record fields as input columns in the signature of the model at
    ``path`` (categories as text, the others as "any"; all optional)."""
    mlmodel = Model.load(str(path))
    inputs = [ColSpec("string", "leaver_id", required=False)]
    inputs += [ColSpec("string" if f.kind == "category" else AnyType(), f.name, required=False)
               for f in model.record_fields]
    mlmodel.signature = ModelSignature(inputs=Schema(inputs), outputs=mlmodel.signature.outputs,
                                       params=mlmodel.signature.params)
    mlmodel.save(str(path / "MLmodel"))


def measure_served(clients: dict[str, Client], body: bytes, total: int,
                   rounds: int) -> dict[str, float]:
    """Typical seconds of ``total`` POSTs of ``body`` to each server, in turns."""
    times: dict[str, list[float]] = {name: [] for name in clients}
    per_round = max(1, total // rounds)
    for _ in range(rounds):
        for name, client in clients.items():
            times[name] += timings(lambda c=client: c.invoke(body), per_round)
    return {name: typical(values) for name, values in times.items()}


def steps(pyfuncs: dict[str, Any], body: bytes, local: Callable[[], object],
          repeat: int) -> tuple[dict[str, dict[str, float]], float]:
    """Typical seconds of MLflow's steps for ``body`` with each model, timed in this process
    on fresh objects, every step once per turn (so that a busy machine weighs on all of
    them alike); and of ``local``, the in-process call.

    ``chain`` is parse, pyfunc and write in a row: on a busy machine its median exceeds
    the sum of the three medians (a run of steps is likelier to wait for the CPU than
    each step alone), and the breakdown shows the difference as such.
    """
    times: dict[str, dict[str, list[float]]] = {
        name: {step: [] for step in ("parse", "pyfunc", "class", "write", "chain", "handler")}
        for name in pyfuncs}
    local_times = []
    params = json.loads(body).get("params")
    for _ in range(repeat):
        for name, pyfunc in pyfuncs.items():
            schema = pyfunc.metadata.get_input_schema()
            took = times[name]
            start = time.perf_counter()
            frame = scoring_server.infer_and_parse_data(json.loads(body), schema)
            parsed = time.perf_counter()
            predictions = pyfunc.predict(frame, params=params)
            predicted = time.perf_counter()
            scoring_server.predictions_to_json(predictions, io.StringIO())
            written = time.perf_counter()
            took["parse"].append(parsed - start)
            took["pyfunc"].append(predicted - parsed)
            took["write"].append(written - predicted)
            took["chain"].append(written - start)
            frame = scoring_server.infer_and_parse_data(json.loads(body), schema)
            start = time.perf_counter()
            pyfunc.unwrap_python_model().predict(None, frame, params)
            took["class"].append(time.perf_counter() - start)
            start = time.perf_counter()
            scoring_server.invocations(body, "application/json", pyfunc, schema)
            took["handler"].append(time.perf_counter() - start)
        start = time.perf_counter()
        local()
        local_times.append(time.perf_counter() - start)
    typicals = {name: {step: typical(values) for step, values in took.items()}
                for name, took in times.items()}
    return typicals, typical(local_times)


def breakdown(served: float, floor_served: float, ping: float, local: float,
              ours: dict[str, float], floor: dict[str, float]) -> None:
    """Print where the time of one served record goes, with the floor's."""
    def waits(took: dict[str, float]) -> float:
        return took["chain"] - took["parse"] - took["pyfunc"] - took["write"]

    rows = [
        ("HTTP: empty GET /ping round trip (uvicorn, FastAPI)", ping, ping),
        ("HTTP: body upload, worker-thread hop (what is left)",
         served - ours["handler"] - ping, floor_served - floor["handler"] - ping),
        ("MLflow: JSON body -> DataFrame", ours["parse"], floor["parse"]),
        ("MLflow: pyfunc layer (parameters, schema, context)",
         ours["pyfunc"] - ours["class"], floor["pyfunc"] - floor["class"]),
        ("model: the pyfunc class's predict", ours["class"], floor["class"]),
        ("  of which model.predict(dict) in process", local, None),
        ("  of which the rest (DataFrame -> dicts, parameters)", ours["class"] - local, None),
        ("MLflow: answer -> JSON", ours["write"], floor["write"]),
        ("MLflow: rest of invocations() (JSON decoded again, checks)",
         ours["handler"] - ours["chain"], floor["handler"] - floor["chain"]),
        ("waits for the CPU between these steps (busy machine)", waits(ours), waits(floor)),
        ("served POST /invocations", served, floor_served),
    ]
    print(f"\nwhere the time of one served record goes ({statistic()}; MLflow's steps timed "
          "in this process):")
    print(f"  {'':<58} {'rehire':>9} {'share':>6} {'floor':>9}")
    for name, seconds, at_floor in rows:
        floor_text = ms(at_floor) if at_floor is not None else ""
        print(f"  {name:<58} {ms(seconds):>9} {seconds / served:6.1%} {floor_text:>9}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--single", type=int, default=200, help="POSTs of one record")
    parser.add_argument("--calls", type=int, default=1000,
                        help="in-process predict(dict) calls and step timings")
    parser.add_argument("--rows", type=int, default=1000, help="records per batch request")
    parser.add_argument("--posts", type=int, default=20, help="batch POSTs (and calls)")
    parser.add_argument("--rounds", type=int, default=4,
                        help="turns between the two servers")
    parser.add_argument("--quantile", type=float, default=0.5,
                        help="the quantile of the timings shown (0.5: medians)")
    parser.add_argument("--declared-inputs", action="store_true",
                        help="declare the record fields as input columns in the signatures")
    parser.add_argument("--timeout", type=float, default=120,
                        help="seconds a server may take to start")
    args = parser.parse_args()
    global QUANTILE
    QUANTILE = args.quantile
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, mlflow {version('mlflow')}, "
          f"uvicorn {version('uvicorn')}, pandas {pd.__version__}; "
          f"load average {os.getloadavg()[0]:.1f}")
    model = rm.load_model()
    names = ["leaver_id", *(field.name for field in model.record_fields)]
    leavers = rm.make_leaver_survey(args.rows, random_state=3)[names]
    records = json.loads(leavers.to_json(orient="records"))  # as JSON carries them
    record = records[0]
    one = json.dumps({"dataframe_records": [record]}).encode()
    batch = json.dumps({"dataframe_split": {
        "columns": names, "data": [[r[n] for n in names] for r in records]}}).encode()

    with tempfile.TemporaryDirectory() as folder:
        paths = {"rehire": save_model(model, Path(folder) / "rehire"),
                 "floor": save_floor(model, record, Path(folder) / "floor")}
        if args.declared_inputs:
            for path in paths.values():
                declare_inputs(path, model)
        print("input columns declared in the signatures: "
              + ("the record fields (--declared-inputs)" if args.declared_inputs else "none"))
        processes, clients = {}, {}
        try:
            for name, path in paths.items():
                port = free_port()
                started = time.perf_counter()
                processes[name] = start_server(path, port, Path(folder) / f"{name}.log",
                                               args.timeout)
                print(f"{name} server start until /ping answers: "
                      f"{time.perf_counter() - started:.1f} s")
                clients[name] = Client(port)
            for _ in range(20):  # warm-up: first requests, lazy imports
                for client in clients.values():
                    client.ping()
                    client.invoke(one)
                    client.invoke(batch)
            check_same(clients["rehire"].invoke(one), model.predict(record))
            check_same(clients["rehire"].invoke(batch), model.predict(records))
            ping = typical_seconds(clients["rehire"].ping, args.single)
            served_one = measure_served(clients, one, args.single, args.rounds)
            served_batch = measure_served(clients, batch, args.posts, args.rounds)
        finally:
            for client in clients.values():
                client.close()
            for process in processes.values():
                stop_server(process)
        pyfuncs = {name: mlflow.pyfunc.load_model(str(path)) for name, path in paths.items()}

    model.predict(record)
    step_times, local_one = steps(pyfuncs, one, lambda: model.predict(record), args.calls)
    local_batch = typical_seconds(lambda: model.predict(records), args.posts)

    print(f"\none record ({statistic()} of {args.single} POSTs, {args.calls:,} calls):")
    print(f"  served POST /invocations            {ms(served_one['rehire']):>10}")
    print(f"  in-process model.predict(dict)      {ms(local_one):>10}")
    print(f"  ratio served / in process           {served_one['rehire'] / local_one:10.1f}")
    print(f"  MLflow's floor (constant answer)    {ms(served_one['floor']):>10}")
    print(f"  ratio served / MLflow's floor       "
          f"{served_one['rehire'] / served_one['floor']:10.2f}  (the model adds "
          f"{ms(served_one['rehire'] - served_one['floor'])})")

    print(f"\n{args.rows:,} records ({statistic()} of {args.posts} POSTs, "
          f"{len(batch) / 1e3:,.0f} kB of JSON):")
    print(f"  served POST /invocations            {ms(served_batch['rehire']):>10}  "
          f"({args.rows / served_batch['rehire']:,.0f} records/s)")
    print(f"  in-process model.predict(records)   {ms(local_batch):>10}  "
          f"({args.rows / local_batch:,.0f} records/s)")
    print(f"  ratio served / in process           "
          f"{served_batch['rehire'] / local_batch:10.1f}")
    print(f"  MLflow's floor (constant answer)    {ms(served_batch['floor']):>10}")
    print(f"  ratio served / MLflow's floor       "
          f"{served_batch['rehire'] / served_batch['floor']:10.2f}")

    breakdown(served_one["rehire"], served_one["floor"], ping, local_one,
              step_times["rehire"], step_times["floor"])
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} (on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
