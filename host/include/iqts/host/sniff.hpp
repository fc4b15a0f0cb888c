#pragma once

#include <string>
#include <string_view>

namespace iqts::host {

// Formats told apart by content. The extension decides only between formats
// that share a signature and cannot be told apart otherwise (csv and txt).
enum class FileKind {
    docx, xlsx, pptx, odt, ods, odp, pdf, csv, html, txt, md,
    zip, tar, gzip, xz, bzip2, sevenzip,
    ole,              // OLE/CFB container: an encrypted OOXML file or a legacy .doc/.xls
    image, unknown
};

std::string_view to_string(FileKind kind);

// Detects the format of `bytes` from its magic numbers and, for zip
// containers, from the names of the parts inside. `name` is used only to
// tell text formats apart.
FileKind sniff(std::string_view bytes, std::string_view name);

bool is_archive(FileKind kind);

}  // namespace iqts::host
