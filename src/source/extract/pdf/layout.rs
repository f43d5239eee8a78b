//! Data model of the PDF route, from raw layout to the pages folio indexes.
//!
//! Two layers:
//! * **Layout** (`Layout`, `LPage`, `LLine`, `LWord`, `BBox`): what poppler's
//!   `pdftotext -bbox-layout` reports, in PDF points, y growing downwards.
//!   poppler's own `<flow>`/`<block>` grouping is *not* kept: in two-column
//!   pages it merges a column-1 footnote with column-2 body lines into one
//!   block (seen on the LaTeX fixture). Lines are reliable, so the route
//!   rebuilds blocks from lines itself.
//! * **Result** (`PdfText`, `PageText`, `Note`, `PdfMeta`): per physical page,
//!   its label (printed page), body paragraphs in reading order and notes.
//!   A passage that spans pages is the caller's business: every paragraph
//!   records the page it starts on and ends on.

/// Axis-aligned box in PDF points; origin top-left (poppler's convention).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BBox {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl BBox {
    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }
    pub fn union(&self, o: &BBox) -> BBox {
        BBox { x0: self.x0.min(o.x0), y0: self.y0.min(o.y0), x1: self.x1.max(o.x1), y1: self.y1.max(o.y1) }
    }
}

/// One word as poppler cut it. poppler starts a new word when the font size
/// changes, so a superscript footnote marker glued to a word ("response.¹")
/// arrives as its own small, raised word.
#[derive(Debug, Clone)]
pub struct LWord {
    pub text: String,
    pub bbox: BBox,
}

impl LWord {
    /// Box height ≈ 0.89–0.91 × font size for Times and Computer Modern
    /// (10 pt text → 8.9 pt box). Only used relatively, never as points.
    pub fn size(&self) -> f32 {
        self.bbox.height()
    }
}

/// One line: words on a common baseline inside one column.
#[derive(Debug, Clone)]
pub struct LLine {
    pub words: Vec<LWord>,
    pub bbox: BBox,
}

impl LLine {
    /// Dominant word height of the line (the median), i.e. its font size
    /// proxy; small raised markers do not change it.
    pub fn size(&self) -> f32 {
        let mut h: Vec<f32> = self.words.iter().map(|w| w.size()).collect();
        h.sort_by(|a, b| a.total_cmp(b));
        h.get(h.len() / 2).copied().unwrap_or(0.0)
    }
    /// Baseline proxy: the bottom of the dominant-size words.
    pub fn baseline(&self) -> f32 {
        let s = self.size();
        self.words
            .iter()
            .filter(|w| (w.size() - s).abs() < 0.5)
            .map(|w| w.bbox.y1)
            .fold(f32::MIN, f32::max)
    }
    /// Words joined by spaces, except where poppler cut a word in two
    /// without a gap (groff kerning gave "org" + "anisations" touching):
    /// a gap under 0.12 × size is no space.
    pub fn text(&self) -> String {
        let size = self.size();
        let mut s = String::new();
        for (i, w) in self.words.iter().enumerate() {
            if i > 0 && w.bbox.x0 - self.words[i - 1].bbox.x1 >= 0.12 * size {
                s.push(' ');
            }
            s.push_str(&w.text);
        }
        s
    }
}

/// One physical page of layout.
#[derive(Debug, Clone)]
pub struct LPage {
    pub height: f32,
    /// Lines in poppler's order (which is a usable reading order for one
    /// column, but not trusted for two).
    pub lines: Vec<LLine>,
}

/// The whole document's layout plus poppler's `<meta>` (Info dict) entries.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub pages: Vec<LPage>,
    pub title: Option<String>,
    pub meta: Vec<(String, String)>,
}

/// What a line is, once classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Body,
    /// Running head/foot, publisher stamp, DOI line: dropped from the text.
    Furniture,
    /// Part of a footnote.
    Note,
}

/// A footnote: its number (None for unnumbered first-page notes such as
/// "Received …; accepted …") and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub mark: Option<String>,
    /// The number it is written under in the output (`[id]`): the mark
    /// itself, unless the mark was used before in the document (notes
    /// numbered per page or chapter) or is a symbol.
    pub id: Option<String>,
    pub text: String,
    /// Whether a marker with this number was found (and removed) in the body
    /// of the same page.
    pub linked: bool,
}

/// A body paragraph with the physical pages (0-based) it starts and ends on.
#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    pub text: String,
    pub first_page: usize,
    pub last_page: usize,
    /// Byte offsets in `text` where a new page starts (at a word start), with
    /// that page: the first entry is `(0, first_page)`.
    pub page_starts: Vec<(usize, usize)>,
    /// Font size (box height) of its first line, and its number of lines.
    pub size: f32,
    pub n_lines: usize,
}

/// Where a page's label came from, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelSource {
    /// /PageLabels number tree of the catalog.
    PageLabels,
    /// A number printed in this page's running head or foot.
    Printed,
    /// Not printed on this page (first pages often print none) but implied
    /// by the numbers printed on the other pages.
    Inferred,
    /// Physical page number, 1-based.
    Physical,
}

#[derive(Debug, Clone)]
pub struct PageText {
    pub label: String,
    /// Where the label came from (read by tests and when debugging).
    #[allow(dead_code)]
    pub label_source: LabelSource,
    pub notes: Vec<Note>,
    /// Furniture lines removed from this page (kept for debugging).
    #[allow(dead_code)]
    pub furniture: Vec<String>,
}

/// Document metadata gathered from Info dict, XMP and the first page.
#[derive(Debug, Clone, Default)]
pub struct PdfMeta {
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub date: Option<String>,
    pub doi: Option<String>,
    /// Where the title came from: "info", "xmp" or "first-page".
    pub title_source: Option<&'static str>,
    /// The file was encrypted with an empty user password (read anyway).
    pub encrypted: bool,
}

/// Everything the route produces for one PDF.
#[derive(Debug, Clone)]
pub struct PdfText {
    pub pages: Vec<PageText>,
    pub paragraphs: Vec<Paragraph>,
    pub meta: PdfMeta,
    /// Body text size (box height), to tell headings by their size.
    pub body_size: f32,
}
