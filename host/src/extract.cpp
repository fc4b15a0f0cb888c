#include "iqts/host/extract.hpp"

#include <exception>
#include <string>
#include <string_view>

namespace iqts::host {

namespace {

std::string utf16le(std::string_view ascii) {
    std::string wide;
    for (const char c : ascii) {
        wide += c;
        wide += '\0';
    }
    return wide;
}

// An encrypted OOXML file is an OLE container whose directory names the
// streams EncryptionInfo and EncryptedPackage (MS-OFFCRYPTO); directory
// entry names are stored in UTF-16LE. Any other OLE file is a legacy
// binary Office document.
std::string ole_reason(std::string_view bytes) {
    static const std::string encryption_info = utf16le("EncryptionInfo");
    static const std::string encrypted_package = utf16le("EncryptedPackage");
    if (bytes.find(encryption_info) != std::string_view::npos ||
        bytes.find(encrypted_package) != std::string_view::npos) {
        return "password-protected (an encrypted Office file: open it, remove the password and save it)";
    }
    return "legacy Office format (.doc/.xls/.ppt): save it as .docx/.xlsx/.pptx";
}

Extraction not_extracted(FileStatus status, std::string reason) {
    Extraction extraction;
    extraction.status = status;
    extraction.reason = std::move(reason);
    return extraction;
}

Extraction dispatch(FileKind kind, const std::string& path, std::string_view bytes, const ExtractLimits& limits) {
    if (is_archive(kind)) return not_extracted(FileStatus::skipped, "archive: its entries are read one by one");
    switch (kind) {
        case FileKind::docx: return extract_docx(path, bytes, limits);
        case FileKind::xlsx: return extract_xlsx(path, bytes, limits);
        case FileKind::pptx: return extract_pptx(path, bytes, limits);
        case FileKind::odt:
        case FileKind::ods:
        case FileKind::odp: return extract_odf(path, bytes, limits);
        case FileKind::pdf: return extract_pdf(path, bytes, limits);
        case FileKind::csv: return extract_csv(path, bytes, limits);
        case FileKind::html: return extract_html(path, bytes, limits);
        case FileKind::txt:
        case FileKind::md: return extract_plain_text(path, bytes, limits);
        case FileKind::ole: return not_extracted(FileStatus::unreadable, ole_reason(bytes));
        case FileKind::image:
            return not_extracted(FileStatus::unreadable,
                                 "image file: no text (scan it to PDF with OCR or add a text version)");
        default: break;
    }
    return not_extracted(FileStatus::unreadable, "unrecognised file format");
}

}  // namespace

Extraction extract(FileKind kind, const std::string& path, std::string_view bytes, const ExtractLimits& limits) {
    Extraction extraction;
    try {
        extraction = dispatch(kind, path, bytes, limits);
    } catch (const std::exception& error) {
        extraction = not_extracted(FileStatus::unreadable, error.what());
    } catch (...) {
        extraction = not_extracted(FileStatus::unreadable, "the extractor failed with an unknown error");
    }
    extraction.document.path = path;
    extraction.document.kind = std::string(to_string(kind));
    return extraction;
}

}  // namespace iqts::host
