#!/usr/bin/env python3
"""Makes a workbook whose cost column is a formula filled down, as Excel saves one.

    python3 benches/speed/filled_down.py IN.xlsx OUT.xlsx

IN is a workbook of benches/excel_book.rs (cost in column G, one sheet). In OUT the first
cost cell is the anchor of a shared formula over the whole column, `ROUND(F2*404000,0)`,
and every cell below it a copy, `<f t="shared" si="0"/>`: the form Excel writes for a
formula filled down. Each cell keeps its number as the formula's saved result, so the rows
read are the same as IN's (the formula's own value is not what is read), and the workbook
does not ask to be recalculated when opened, as Excel saves it.
"""
import re
import sys
import zipfile


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, dst = sys.argv[1], sys.argv[2]
    with zipfile.ZipFile(src) as book, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for info in book.infolist():
            data = book.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = filled_down(data.decode()).encode()
            elif info.filename == "xl/workbook.xml":
                # Recalculated, as Excel saves it: no request to recalculate when opened (a
                # workbook with one holds results roadsub refuses to read).
                data = data.replace(b' fullCalcOnLoad="1"', b"")
            out.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)


def filled_down(sheet):
    last = re.search(r'<dimension ref="A1:[A-Z]+(\d+)"/>', sheet).group(1)
    anchor = []

    def cell(m):
        row, value = m.group(1), m.group(2)
        if not anchor:
            anchor.append(row)
            formula = f'<f t="shared" ref="G{row}:G{last}" si="0">ROUND(F{row}*404000,0)</f>'
        else:
            formula = '<f t="shared" si="0"/>'
        return f'<c r="G{row}">{formula}<v>{value}</v></c>'

    # The header's G1 is a string (t="s"), so the first number cell is row 2.
    return re.sub(r'<c r="G(\d+)"><v>([^<]*)</v></c>', cell, sheet)


if __name__ == "__main__":
    main()
