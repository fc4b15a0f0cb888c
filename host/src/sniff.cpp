#include "iqts/host/sniff.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <memory>
#include <string>

#include "iqts/host/text_encoding.hpp"
#include "walker_detail.hpp"

namespace iqts::host {
namespace {

// A zip holding more parts than this is not an office package worth the
// search, so its kind stays `zip`.
constexpr int kMaxPackageParts = 2000;
constexpr std::size_t kTextSampleBytes = 8192;

bool starts_with_bytes(std::string_view bytes, std::string_view magic, std::size_t offset = 0) {
    return bytes.size() >= offset + magic.size() && bytes.substr(offset, magic.size()) == magic;
}

using ArchivePtr = std::unique_ptr<archive, decltype(&archive_read_free)>;

// Reads the part names of an OOXML or ODF package from the zip's directory
// (libarchive prefers the central directory when the whole zip is present
// and falls back to the local headers of a truncated one).
FileKind sniff_zip(std::string_view bytes) {
    ArchivePtr reader(archive_read_new(), archive_read_free);
    archive_read_support_format_zip(reader.get());
    if (archive_read_open_memory(reader.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) {
        return FileKind::zip;
    }

    bool content_types = false;
    bool word = false;
    bool xl = false;
    bool ppt = false;
    archive_entry* entry = nullptr;
    for (int index = 0; index < kMaxPackageParts; ++index) {
        const int status = archive_read_next_header(reader.get(), &entry);
        if (status != ARCHIVE_OK && status != ARCHIVE_WARN) {
            break;
        }
        const char* raw_name = archive_entry_pathname(entry);
        const std::string name = raw_name == nullptr ? std::string() : raw_name;

        // ODF puts an uncompressed `mimetype` part first (ODF 1.2, part 3, section 3.3).
        if (index == 0 && name == "mimetype") {
            std::array<char, 128> buffer{};
            const la_ssize_t length = archive_read_data(reader.get(), buffer.data(), buffer.size());
            const std::string mimetype(buffer.data(), length > 0 ? static_cast<std::size_t>(length) : 0);
            if (mimetype == "application/vnd.oasis.opendocument.text") return FileKind::odt;
            if (mimetype == "application/vnd.oasis.opendocument.spreadsheet") return FileKind::ods;
            if (mimetype == "application/vnd.oasis.opendocument.presentation") return FileKind::odp;
        }

        if (name == "[Content_Types].xml") {
            content_types = true;
            // A package may keep its main part outside word/, xl/ or ppt/;
            // the content type of the main part still names the format.
            std::string types(64 * 1024, '\0');
            const la_ssize_t length = archive_read_data(reader.get(), types.data(), types.size());
            types.resize(length > 0 ? static_cast<std::size_t>(length) : 0);
            word = word || types.find("wordprocessingml.document.main") != std::string::npos;
            xl = xl || types.find("spreadsheetml.sheet.main") != std::string::npos;
            ppt = ppt || types.find("presentationml.presentation.main") != std::string::npos;
        }
        word = word || name.starts_with("word/");
        xl = xl || name.starts_with("xl/");
        ppt = ppt || name.starts_with("ppt/");
        if (content_types && (word || xl || ppt)) {
            break;
        }
    }

    if (content_types && word) return FileKind::docx;
    if (content_types && xl) return FileKind::xlsx;
    if (content_types && ppt) return FileKind::pptx;
    return FileKind::zip;
}

bool is_bzip2(std::string_view bytes) {
    if (bytes.size() < 10 || !starts_with_bytes(bytes, "BZh") || bytes[3] < '1' || bytes[3] > '9') {
        return false;
    }
    // A block header (the digits of pi) or the end-of-stream marker (of sqrt(pi)) follows.
    const std::string_view marker = bytes.substr(4, 6);
    return marker == "\x31\x41\x59\x26\x53\x59" || marker == "\x17\x72\x45\x38\x50\x90";
}

bool is_image(std::string_view bytes) {
    return starts_with_bytes(bytes, "\x89PNG\r\n\x1a\n") || starts_with_bytes(bytes, "\xff\xd8\xff") ||
           starts_with_bytes(bytes, "GIF87a") || starts_with_bytes(bytes, "GIF89a") ||
           starts_with_bytes(bytes, std::string_view("II*\0", 4)) ||
           starts_with_bytes(bytes, std::string_view("MM\0*", 4));
}

bool name_ends_with(std::string_view name, std::string_view suffix) {
    if (name.size() < suffix.size()) {
        return false;
    }
    return walker_detail::lowercase_ascii(name.substr(name.size() - suffix.size())) == suffix;
}

// Returns the sample as single-byte characters: UTF-16 loses its zero bytes so
// that the HTML markers can be searched in ASCII.
std::string ascii_view(std::string_view sample) {
    const bool utf16 = starts_with_bytes(sample, "\xff\xfe") || starts_with_bytes(sample, "\xfe\xff");
    std::string view;
    for (const char c : utf16 ? sample.substr(2) : sample) {
        if (!utf16 || c != '\0') {
            view.push_back(c);
        }
    }
    return starts_with_bytes(view, "\xef\xbb\xbf") ? view.substr(3) : view;
}

bool looks_like_html(std::string_view sample) {
    const std::string text = walker_detail::lowercase_ascii(ascii_view(sample.substr(0, 1024)));
    const std::size_t start = text.find_first_not_of(" \t\r\n\f");
    if (start == std::string::npos) {
        return false;
    }
    const std::string_view head = std::string_view(text).substr(start);
    if (head.starts_with("<!doctype html") || head.starts_with("<html")) {
        return true;
    }
    // An XML declaration or a comment may come before the root element.
    const bool prologue = head.starts_with("<?xml") || head.starts_with("<!--");
    return prologue && (head.find("<html") != std::string_view::npos ||
                        head.find("<!doctype html") != std::string_view::npos);
}

bool looks_like_text(std::string_view sample) {
    if (starts_with_bytes(sample, "\xff\xfe") || starts_with_bytes(sample, "\xfe\xff")) {
        return true;
    }
    if (sample.find('\0') != std::string_view::npos) {
        return false;
    }

    // The sample may end inside a multi-byte sequence, so only the part before
    // that cut must be valid UTF-8.
    const std::size_t whole = sample.size() < kTextSampleBytes ? sample.size() : utf8_cut_length(sample, sample.size());
    if (is_valid_utf8(sample.substr(0, whole))) {
        return true;
    }

    // A single-byte code page such as Windows-1252: allow a few stray control bytes.
    std::size_t control = 0;
    for (const char c : sample) {
        const auto byte = static_cast<unsigned char>(c);
        const bool allowed_control = byte == '\t' || byte == '\n' || byte == '\r' || byte == '\f';
        if ((byte < 0x20 && !allowed_control) || byte == 0x7f) {
            ++control;
        }
    }
    return control * 50 <= sample.size();
}

FileKind sniff_text(std::string_view bytes, std::string_view name) {
    const std::string_view sample = bytes.substr(0, kTextSampleBytes);
    if (!looks_like_text(sample)) {
        return FileKind::unknown;
    }
    if (looks_like_html(sample)) {
        return FileKind::html;
    }
    if (name_ends_with(name, ".csv") || name_ends_with(name, ".tsv")) {
        return FileKind::csv;
    }
    if (name_ends_with(name, ".md") || name_ends_with(name, ".markdown")) {
        return FileKind::md;
    }
    return FileKind::txt;
}

}  // namespace

std::string_view to_string(FileKind kind) {
    switch (kind) {
        case FileKind::docx: return "docx";
        case FileKind::xlsx: return "xlsx";
        case FileKind::pptx: return "pptx";
        case FileKind::odt: return "odt";
        case FileKind::ods: return "ods";
        case FileKind::odp: return "odp";
        case FileKind::pdf: return "pdf";
        case FileKind::csv: return "csv";
        case FileKind::html: return "html";
        case FileKind::txt: return "txt";
        case FileKind::md: return "md";
        case FileKind::zip: return "zip";
        case FileKind::tar: return "tar";
        case FileKind::gzip: return "gzip";
        case FileKind::xz: return "xz";
        case FileKind::bzip2: return "bzip2";
        case FileKind::sevenzip: return "7z";
        case FileKind::ole: return "ole";
        case FileKind::image: return "image";
        case FileKind::unknown: return "unknown";
    }
    return "unknown";
}

FileKind sniff(std::string_view bytes, std::string_view name) {
    if (starts_with_bytes(bytes, "PK\x03\x04")) {
        return sniff_zip(bytes);
    }
    if (starts_with_bytes(bytes, "PK\x05\x06")) {
        return FileKind::zip;
    }
    if (bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos) {
        return FileKind::pdf;
    }
    if (starts_with_bytes(bytes, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")) {
        return FileKind::ole;
    }
    if (starts_with_bytes(bytes, "7z\xbc\xaf\x27\x1c")) {
        return FileKind::sevenzip;
    }
    if (starts_with_bytes(bytes, "\x1f\x8b")) {
        return FileKind::gzip;
    }
    if (starts_with_bytes(bytes, std::string_view("\xfd" "7zXZ\0", 6))) {
        return FileKind::xz;
    }
    if (is_bzip2(bytes)) {
        return FileKind::bzip2;
    }
    if (starts_with_bytes(bytes, "ustar", 257)) {
        return FileKind::tar;
    }
    if (is_image(bytes)) {
        return FileKind::image;
    }
    return sniff_text(bytes, name);
}

bool is_archive(FileKind kind) {
    switch (kind) {
        case FileKind::zip:
        case FileKind::tar:
        case FileKind::gzip:
        case FileKind::xz:
        case FileKind::bzip2:
        case FileKind::sevenzip:
            return true;
        default:
            return false;
    }
}

}  // namespace iqts::host
