"""The live matching index: the only caller of `matching` for ranking."""
