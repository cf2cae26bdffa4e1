//! Where a notice's pages break. A heading repeated on every page (print titles) would land
//! over the wrong table once table 二 or the closing lines reach a second page, so there is
//! none: instead a notice a little taller than a page is shrunk onto one, and a longer one
//! breaks before table 二 and before the closing lines when they would be split, so each
//! table starts on a page under its own headings and the signatures stay with the text above
//! them. The page is measured in points from the column widths and the row heights the
//! sheet sets, as Excel lays columns out (a width of one character, 7 pixels, plus 5).

/// The printable width of A4 portrait within the notice's margins (0.7 in left and right).
const WIDTH_PT: f64 = (8.27 - 1.4) * 72.0;

/// The printable height of A4 within the notice's margins (0.6 in top and bottom), less a
/// twentieth for the viewers' differing fonts.
const HEIGHT_PT: f64 = (11.69 - 1.2) * 72.0 * 0.95;

/// How much taller than a page a notice may be and still be shrunk onto one page: beyond,
/// the print would be too small to read on a notice board.
const SHRINK: f64 = 1.25;

/// How a notice prints.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Pages it takes, as estimated.
    pub pages: usize,
    /// Fitted to one page tall as well as wide.
    pub fit_one_page: bool,
    /// The rows a page break comes before.
    pub breaks: Vec<u32>,
}

/// The plan for a sheet whose columns are `widths` characters wide and whose rows are
/// `heights` points tall, breaking only before a row of `blocks` (the first row of each part
/// kept together).
pub fn plan(widths: &[f64], heights: &[f64], blocks: &[u32]) -> Plan {
    let sheet_pt: f64 = widths.iter().map(|w| (w * 7.0 + 5.0) * 0.75).sum();
    let scale = (WIDTH_PT / sheet_pt.max(1.0)).min(1.0);
    let page = HEIGHT_PT / scale;
    let tall = |from: usize, to: usize| {
        heights[from.min(heights.len())..to.min(heights.len())]
            .iter()
            .sum::<f64>()
    };
    let total = tall(0, heights.len());
    if total <= page {
        return Plan {
            pages: 1,
            fit_one_page: false,
            breaks: Vec::new(),
        };
    }
    if total <= page * SHRINK {
        return Plan {
            pages: 1,
            fit_one_page: true,
            breaks: Vec::new(),
        };
    }
    let mut bounds: Vec<usize> = vec![0];
    bounds.extend(blocks.iter().map(|b| *b as usize));
    bounds.push(heights.len());
    let mut breaks = Vec::new();
    let mut pages = 1;
    let mut used = 0.0;
    for pair in bounds.windows(2) {
        let h = tall(pair[0], pair[1]);
        if used > 0.0 && used + h > page && h <= page {
            breaks.push(pair[0] as u32);
            pages += 1;
            used = h;
        } else {
            used += h;
            while used > page {
                pages += 1;
                used -= page;
            }
        }
    }
    Plan {
        pages,
        fit_one_page: false,
        breaks,
    }
}
