//! The one error type of the engine: a file that cannot be read at all.
//!
//! Problems with single rows or cells are not errors: they go into the report as row issues,
//! so one bad row never costs the user the rest of the file.

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum Error {
    #[error("“{file}” is empty.")]
    Empty { file: String },
    #[error("“{file}” has a header row but no data rows.")]
    NoRows { file: String },
    #[error("“{file}”: the text encoding “{encoding}” is not one this calculator reads. Choose another encoding, or save the file as “CSV UTF-8” and load it again.")]
    UnsupportedEncoding { file: String, encoding: String },
    #[error(
        "“{file}” is a spreadsheet, and the spreadsheet reader could not start. Save it as “CSV UTF-8” and load the CSV."
    )]
    Spreadsheet { file: String },
    #[error("“{file}” could not be read as a spreadsheet ({message}). If it opens in Excel, save it as “CSV UTF-8” and load the CSV.")]
    Workbook { file: String, message: String },
    #[error("“{file}” has no sheet named “{sheet}”.")]
    NoSheet { file: String, sheet: String },
    #[error("“{file}” is a compressed {format} file. Unpack it and load the CSV inside.")]
    Compressed { file: String, format: String },
    #[error("“{file}” is not a text file. Export the data from your CRM as CSV or Excel and load that file.")]
    Binary { file: String },
    /// A document, image or web page rather than a table: `format` is one of
    /// [`NOT_A_TABLE`]'s ids.
    #[error("{}", not_a_table(.file, .format, Lang::En))]
    NotATable { file: String, format: String },
    #[error("“{file}” is {size_mb} MB; this calculator reads files of up to 500 MB (about 3 million rows) in the browser. Export a shorter date range or only the columns you need, and load that file.")]
    TooLarge { file: String, size_mb: u64 },
    #[error("“{file}” could not be read ({message}). If it was moved or changed after it was chosen, choose it again.")]
    Unreadable { file: String, message: String },
    #[error("“{file}”, line {line}: {message}")]
    Csv {
        file: String,
        line: u64,
        message: String,
    },
    /// A slice of a file read in slices has not come yet: the read stops where it is, and
    /// goes on when it comes ([`crate::engine::ingest::StreamedRead`]). Not a failure, and
    /// not shown to a user: the reader that says it waits and steps the read on.
    #[error("the rest of the file has not been read yet")]
    Waiting,
}

impl Error {
    /// The message in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => match self {
                Error::Empty { file } => format!("“{file}”是空文件。"),
                Error::NoRows { file } => format!("“{file}”只有表头，没有数据行。"),
                Error::UnsupportedEncoding { file, encoding } => {
                    format!("“{file}”：本计算器不支持文本编码“{encoding}”。请选择其他编码，或另存为“CSV UTF-8”后重新加载。")
                }
                Error::Spreadsheet { file } => {
                    format!("“{file}”是电子表格，但表格读取组件未能启动。请另存为“CSV UTF-8”后加载 CSV 文件。")
                }
                Error::Workbook { file, message } => {
                    format!("无法按电子表格读取“{file}”（{message}）。如果它能在 Excel 中打开，请另存为“CSV UTF-8”后加载 CSV 文件。")
                }
                Error::NoSheet { file, sheet } => format!("“{file}”中没有名为“{sheet}”的工作表。"),
                Error::Compressed { file, format } => {
                    format!("“{file}”是 {format} 压缩文件。请先解压，再加载其中的 CSV 文件。")
                }
                Error::Binary { file } => {
                    format!("“{file}”不是文本文件。请从 CRM 导出 CSV 或 Excel 文件后再加载。")
                }
                Error::NotATable { file, format } => not_a_table(file, format, lang),
                Error::TooLarge { file, size_mb } => {
                    format!(
                        "“{file}”有 {size_mb} MB，本计算器在浏览器中最多读取 500 MB（约 300 万行）的文件。请导出较短的日期范围或只导出需要的列，再加载该文件。"
                    )
                }
                Error::Unreadable { file, message } => {
                    format!(
                        "无法读取“{file}”（{message}）。如果选择后文件被移动或修改过，请重新选择。"
                    )
                }
                Error::Csv {
                    file,
                    line,
                    message,
                } => format!("“{file}”第 {line} 行：{message}"),
                Error::Waiting => "文件的其余部分尚未读取。".into(),
            },
        }
    }
}

/// The kinds of file [`Error::NotATable`] names, by id: what the file is and what to do, in
/// English and Chinese.
pub const NOT_A_TABLE: [(&str, [&str; 2]); 7] = [
    ("pdf", ["a PDF document", "PDF 文档"]),
    ("png", ["a PNG image", "PNG 图片"]),
    ("jpeg", ["a JPEG image", "JPEG 图片"]),
    ("gif", ["a GIF image", "GIF 图片"]),
    ("webp", ["a WebP image", "WebP 图片"]),
    ("html", ["a web page (HTML)", "网页（HTML）"]),
    ("xml", ["an XML file", "XML 文件"]),
];

/// [`Error::NotATable`]'s message in `lang`: what `file`, of kind `format` ([`NOT_A_TABLE`]),
/// is, and what to do with it.
fn not_a_table(file: &str, format: &str, lang: Lang) -> String {
    let at = usize::from(lang == Lang::Zh);
    let what = NOT_A_TABLE
        .iter()
        .find(|(id, _)| *id == format)
        .map_or(["a document", "文档"][at], |(_, names)| names[at]);
    // CRMs that "export to Excel" often write a web page or Excel 2003's XML under an .xls
    // name: Excel opens both and saves them as CSV.
    let advice = match format {
        "html" | "xml" => [
            "Some CRMs save exports this way under an .xls name: open it in Excel, save it as “CSV UTF-8” and load the CSV.",
            "有些 CRM 会把导出文件存成这种格式并以 .xls 命名：请用 Excel 打开，另存为“CSV UTF-8”后加载 CSV 文件。",
        ][at],
        _ => [
            "Export the data from your CRM as CSV or Excel and load that file.",
            "请从 CRM 导出 CSV 或 Excel 文件后再加载。",
        ][at],
    };
    match lang {
        Lang::En => format!("“{file}” is {what}, not a CSV or spreadsheet file. {advice}"),
        // A space between Chinese and a Latin name ("是 PDF 文档").
        Lang::Zh => {
            let gap = if what.starts_with(|c: char| c.is_ascii()) {
                " "
            } else {
                ""
            };
            format!("“{file}”是{gap}{what}，不是 CSV 或电子表格文件。{advice}")
        }
    }
}
