#!/usr/bin/env python3
"""Checks the cell types LibreOffice gave a CSV it imported (scripts/check_csv_libreoffice.sh).

usage: csv_cell_types.py FILE.fods DATE_COLUMNS NUMBER_COLUMNS [MUST_CONTAIN]
  DATE_COLUMNS, NUMBER_COLUMNS: comma-separated header names (may be empty)
Every non-empty cell of a date column must have become a date, of a number column a number
(float), and MUST_CONTAIN must survive as text. Prints one line; exit 1 on any problem.
"""
import sys
import xml.etree.ElementTree as ET

NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}
T = "{%s}" % NS["table"]
O = "{%s}" % NS["office"]


def rows(path):
    tree = ET.parse(path)
    table = tree.find(".//table:table", NS)
    for row in table.iter(T + "table-row"):
        cells = []
        for cell in row:
            if cell.tag not in (T + "table-cell", T + "covered-table-cell"):
                continue
            repeat = int(cell.get(T + "number-columns-repeated", "1"))
            kind = cell.get(O + "value-type", "")
            text = "".join("".join(p.itertext()) for p in cell.findall("text:p", NS))
            cells.extend([(kind, text)] * min(repeat, 64))
        yield cells


def main():
    path, dates, numbers = sys.argv[1], sys.argv[2], sys.argv[3]
    needle = sys.argv[4] if len(sys.argv) > 4 else ""
    dates = [d for d in dates.split(",") if d]
    numbers = [n for n in numbers.split(",") if n]
    table = list(rows(path))
    header = [text.lstrip("\ufeff") for _, text in table[0]]
    problems, checked = [], 0
    for name in dates + numbers:
        if name not in header:
            problems.append("no column %r" % name)
    for row in table[1:]:
        # A statement's TOTAL row and the line under it label their first cell: not data rows.
        first = row[0][1] if row else ""
        if first in ("TOTAL", "合计") or sum(1 for _, text in row if text) <= 1:
            continue
        for name in dates + numbers:
            if name not in header:
                continue
            index = header.index(name)
            kind, text = row[index] if index < len(row) else ("", "")
            if not text:
                continue
            want = "date" if name in dates else "float"
            checked += 1
            if kind != want:
                problems.append("%s %r is %s, not %s" % (name, text, kind or "empty", want))
    if needle and not any(needle in text for row in table for _, text in row):
        problems.append("%r lost" % needle)
    if problems:
        print("FAIL " + "; ".join(problems[:5]))
        sys.exit(1)
    print("ok %d typed cells" % checked)


if __name__ == "__main__":
    main()
