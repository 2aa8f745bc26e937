"""Reports: charts (SVG), tables and packs. They draw results; they compute nothing."""
