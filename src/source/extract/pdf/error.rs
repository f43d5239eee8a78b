//! Errors of the PDF route. Each message says what the user can do; the
//! caller adds the file's path.

use std::fmt;

#[derive(Debug)]
pub enum PdfError {
    /// The file does not start like a PDF (e.g. an HTML page saved as .pdf).
    NotPdf(String),
    /// An HTML page saved under a .pdf name (`extract::extract` reads such
    /// a file as HTML before the PDF reader sees it).
    Html,
    /// Encrypted with a non-empty user password.
    Locked,
    /// Pages exist but none carries text: a scan.
    NoTextLayer { pages: usize },
    /// poppler could not parse it (truncated, broken beyond repair …).
    Damaged(String),
    /// The worker exceeded its time, memory or output budget (bomb, pathological file).
    Limit(String),
    /// pdftotext is not installed.
    ToolMissing,
    /// pdftotext could not be started or waited for.
    Tool(String),
}

impl fmt::Display for PdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PdfError::NotPdf(what) => write!(f, "not a PDF ({what}); check the file or its extension"),
            PdfError::Html => write!(f, "not a PDF (an HTML page saved as .pdf); save the page as .html or print it to PDF"),
            PdfError::Locked => write!(f, "password-protected PDF: remove the password first, e.g. qpdf --decrypt --password=PW in.pdf out.pdf"),
            PdfError::NoTextLayer { pages } => write!(f, "no text layer on any of its {pages} pages (a scan?): run OCR first, e.g. ocrmypdf in.pdf out.pdf"),
            PdfError::Damaged(why) => write!(f, "damaged PDF ({why}); try repairing it, e.g. qpdf in.pdf out.pdf"),
            PdfError::Limit(why) => write!(f, "PDF extraction stopped: {why} (a decompression bomb or pathological file?)"),
            PdfError::ToolMissing => write!(f, "pdftotext not found, PDFs cannot be read: install poppler-utils (apt-get install poppler-utils)"),
            PdfError::Tool(why) => write!(f, "pdftotext failed to run ({why}); check the poppler-utils installation"),
        }
    }
}

impl std::error::Error for PdfError {}
