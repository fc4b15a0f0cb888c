#pragma once

#include <string>
#include <string_view>

#include "iqts/document.hpp"
#include "iqts/index.hpp"
#include "iqts/host/sniff.hpp"

namespace iqts::host {

struct ExtractLimits {
    std::size_t max_text_bytes = 64u << 20;      // extracted text per document
    int max_xml_depth = 256;                     // element nesting in Office XML
    std::size_t max_cells = 5'000'000;           // cells per workbook
};

// The outcome of extracting one evidence file. `status` is `read` with a
// filled `document`, or `unreadable` / `review` with `reason` in words a
// provider understands ("password-protected", "no text layer (scanned image?)").
struct Extraction {
    FileStatus status = FileStatus::read;
    std::string reason;
    Document document;
};

// Extracts a file whose kind `sniff` already decided. `path` is the virtual
// path stored in the document. Never throws: parser errors become
// `unreadable` with the reason.
Extraction extract(FileKind kind, const std::string& path, std::string_view bytes, const ExtractLimits& limits);

// Per-format extractors, each called by `extract`. They may throw
// std::runtime_error with a reason; `extract` turns it into `unreadable`.
Extraction extract_docx(const std::string& path, std::string_view bytes, const ExtractLimits& limits);
Extraction extract_xlsx(const std::string& path, std::string_view bytes, const ExtractLimits& limits);
Extraction extract_pptx(const std::string& path, std::string_view bytes, const ExtractLimits& limits);
Extraction extract_odf(const std::string& path, std::string_view bytes, const ExtractLimits& limits);
Extraction extract_pdf(const std::string& path, std::string_view bytes, const ExtractLimits& limits);
Extraction extract_csv(const std::string& path, std::string_view bytes, const ExtractLimits& limits);
Extraction extract_html(const std::string& path, std::string_view bytes, const ExtractLimits& limits);
Extraction extract_plain_text(const std::string& path, std::string_view bytes, const ExtractLimits& limits);

}  // namespace iqts::host
