"""Generate the Passerelle demo region (Côte d'Opale) as JSON Lines.

Usage, from the repository root:  python data/generate_demo.py [--out data/demo] [--seed N]

Writes organisations.jsonl, profiles.jsonl and needs.jsonl (UTF-8, sorted by id). The output
is byte-identical on every run with the same seed. People and companies are fictional; towns
and public institutions are real.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for folder in (HERE, ROOT):  # demo_gen lives next to this script; matching at the repo root
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from demo_gen import SEED  # noqa: E402
from demo_gen.build import build, summary, write  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Génère la région de démonstration Passerelle.")
    parser.add_argument("--out", type=Path, default=HERE / "demo", help="dossier de sortie")
    parser.add_argument("--seed", type=int, default=SEED, help="graine du générateur")
    parser.add_argument("--quiet", action="store_true", help="n'affiche pas les comptes")
    args = parser.parse_args(argv)
    data = build(args.seed)
    paths = write(data, args.out)
    if not args.quiet:
        for path in paths:
            print(f"écrit / written: {path}")
        print(summary(data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
