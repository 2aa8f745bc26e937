"""Text cells that look like numbers or booleans keep their text, however the file is cut into
blocks."""

from __future__ import annotations

from pathlib import Path

import pytest

from specialmeasures.cli._fast_csv import Columns, read_columns

FACETS = {
    "booleans": ["True", "False", "TRUE", "true", "True "],
    "integers": ["030001", "30001", " 30001", "1", "01"],
    "floats": ["1e3", "1000", "1000.0", "-0", "0"],
    "texts": ["A", "B", "030001", "True", "nan"],
}


@pytest.mark.parametrize("kind", sorted(FACETS))
@pytest.mark.parametrize("block_bytes", [16, 1 << 20])
def test_text_cells_keep_their_text(tmp_path: Path, kind: str, block_bytes: int) -> None:
    facets = FACETS[kind] * 3
    path = tmp_path / "in.csv"
    lines = ["org,month,value", *(f"{f},2020-01-{k + 1:02d},{k}" for k, f in enumerate(facets))]
    path.write_text("\n".join(lines) + "\n")
    got = read_columns(path, texts=["org", "month"], numbers=["value"], block_bytes=block_bytes)
    assert isinstance(got, Columns)
    assert [got.texts["org"][c] for c in got.codes["org"]] == [f.strip() for f in facets]
    assert got.numbers["value"].tolist() == [float(k) for k in range(len(facets))]
