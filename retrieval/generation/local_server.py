"""Run a GGUF model behind llama.cpp's OpenAI-compatible server (xllamacpp) until terminated.

Started as a child process by `retrieval.generation.local` so the server can be stopped (and its
memory freed) by ending the process: `python -m retrieval.generation.local_server MODEL PORT THREADS CTX`.
"""

from __future__ import annotations

import signal
import sys
import threading


def serve(model: str, port: int, threads: int, ctx: int) -> None:
    """Start the server on 127.0.0.1:port and block until SIGTERM or SIGINT."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = model
    params.hostnames = ["127.0.0.1"]
    params.port = port
    params.n_ctx = ctx
    params.n_parallel = 1
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    server = xllamacpp.Server(params)
    print(server.listening_address, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
