#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "iqts/document.hpp"

namespace iqts {

// The outcome of walking and extracting one file of the export.
enum class FileStatus { read, unreadable, skipped, review };

inline std::string_view to_string(FileStatus status) {
    switch (status) {
        case FileStatus::read: return "read";
        case FileStatus::unreadable: return "unreadable";
        case FileStatus::skipped: return "skipped";
        case FileStatus::review: return "review";
    }
    return "unreadable";
}

struct FileRecord {
    std::string path;
    std::string kind;          // docx, pdf, zip, ...; "unknown" when no extractor matched
    FileStatus status = FileStatus::read;
    std::string reason;        // why it is unreadable, skipped or needs review
    long long size = 0;        // bytes
    std::string modified;      // ISO 8601 modification time from the file system or archive entry
};

// A table found by its header names: the document, the table and the row
// (0-based within Table::rows) that contains the headers.
struct TableMatch {
    const Document* document = nullptr;
    const Table* table = nullptr;
    std::size_t header_row = 0;
};

struct TextMatch {
    const Document* document = nullptr;
    std::string location;
    std::string text;          // the whole block that matched
};

// Every document of the export, searchable. Patterns use RE2 syntax and
// match case-insensitively; paths, titles and text are matched as UTF-8.
class EvidenceIndex {
public:
    virtual ~EvidenceIndex() = default;

    virtual const std::vector<Document>& documents() const = 0;
    virtual const std::vector<FileRecord>& files() const = 0;

    // Returns the documents whose virtual path matches `pattern` anywhere.
    virtual std::vector<const Document*> find_by_path(std::string_view pattern) const = 0;

    // Returns the documents whose title property or file name matches `pattern`.
    virtual std::vector<const Document*> find_by_title(std::string_view pattern) const = 0;

    // Returns every text block that matches `pattern`.
    virtual std::vector<TextMatch> find_text(std::string_view pattern) const = 0;

    // Returns the tables that have a row, among their first 15, containing
    // every name in `headers`, compared case- and punctuation-insensitively.
    virtual std::vector<TableMatch> find_tables(const std::vector<std::string>& headers) const = 0;

    // Returns the records of files that exist but could not be read and whose
    // path matches `pattern`, so that a check reports them as `review`
    // instead of calling the evidence missing.
    virtual std::vector<const FileRecord*> unreadable(std::string_view pattern) const = 0;
};

}  // namespace iqts
