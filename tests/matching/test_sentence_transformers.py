"""Any local sentence-transformers folder plugs in through the Encoder protocol, offline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matching.encoders import CachedEncoder, Encoder, load_encoder


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny randomly initialised BERT saved as a sentence-transformers folder (no download)."""
    from sentence_transformers import SentenceTransformer, models
    from transformers import BertConfig, BertModel, BertTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-bert")
    words = [
        "[PAD]",
        "[UNK]",
        "[CLS]",
        "[SEP]",
        "[MASK]",
        "soud",
        "##eur",
        "stage",
        "logistique",
        "port",
        "python",
        "data",
    ]
    (folder / "vocab.txt").write_text("\n".join(words) + "\n")
    BertTokenizerFast(vocab_file=str(folder / "vocab.txt")).save_pretrained(folder)
    config = BertConfig(
        vocab_size=len(words),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
    )
    BertModel(config).save_pretrained(folder)
    transformer = models.Transformer(str(folder), max_seq_length=32)
    pooling = models.Pooling(transformer.get_word_embedding_dimension())
    out = tmp_path_factory.mktemp("st")
    SentenceTransformer(modules=[transformer, pooling]).save(str(out))
    return out


def test_local_folder_loads_and_encodes(tiny_model: Path) -> None:
    encoder = load_encoder(str(tiny_model), query_prefix="port ", document_prefix="soud ")
    assert isinstance(encoder, Encoder)
    cached = CachedEncoder(encoder)
    docs = cached.encode_documents(["stage logistique", "python data", "stage logistique"])
    cached.encode_queries(["stage logistique"])
    assert docs.shape == (3, 16) and cached.encoded == 3  # 2 documents + 1 query
    assert np.allclose(np.linalg.norm(docs, axis=1), 1, atol=1e-4)
