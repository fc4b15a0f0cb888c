#include "iqts/host/report.hpp"

#include <algorithm>
#include <set>

#include <Poco/UTF8Encoding.h>

#include "report_summary.hpp"

namespace iqts::host {

int Report::exit_status() const {
    const bool any_failing = std::any_of(criteria.begin(), criteria.end(), [](const CriterionResult& result) {
        return result.status == Status::fail || result.status == Status::missing || result.status == Status::error;
    });
    return any_failing ? 1 : 0;
}

int Report::unreadable_count() const {
    return report_detail::count_files(*this, FileStatus::unreadable);
}

namespace report_detail {

constexpr std::string_view kReplacementCharacter = "\xef\xbf\xbd";   // U+FFFD in UTF-8

StatusCounts count_criteria(const Report& report) {
    StatusCounts counts;
    for (const CriterionResult& result : report.criteria) {
        ++counts.by_status[static_cast<std::size_t>(result.status)];
    }
    return counts;
}

Status overall_status(const Report& report) {
    Status status = Status::pass;
    for (const CriterionResult& result : report.criteria) {
        status = worst(status, result.status);
    }
    return status;
}

int count_files(const Report& report, FileStatus status) {
    const auto matches = [status](const FileRecord& file) { return file.status == status; };
    return static_cast<int>(std::count_if(report.files.begin(), report.files.end(), matches));
}

FileCounts count_export_files(const Report& report) {
    static const std::set<std::string, std::less<>> archive_kinds = {"zip", "tar", "7z", "gzip", "xz", "bzip2"};
    FileCounts counts;
    for (const FileRecord& file : report.files) {
        switch (file.status) {
            case FileStatus::read:
                ++(archive_kinds.count(file.kind) ? counts.archives : counts.read);
                break;
            case FileStatus::unreadable: ++counts.unreadable; break;
            case FileStatus::review: ++counts.review; break;
            case FileStatus::skipped: ++counts.skipped; break;
        }
    }
    return counts;
}

std::string describe_file_counts(const FileCounts& counts) {
    std::string parts = std::to_string(counts.read) + " read";
    if (counts.archives > 0) {
        parts += ", " + std::to_string(counts.archives) + (counts.archives == 1 ? " archive" : " archives");
    }
    if (counts.unreadable > 0) parts += ", " + std::to_string(counts.unreadable) + " unreadable";
    if (counts.review > 0) parts += ", " + std::to_string(counts.review) + " for review";
    const int total = counts.total();
    return std::to_string(total) + (total == 1 ? " file (" : " files (") + parts + ")";
}

std::string to_valid_utf8(std::string_view text) {
    // Poco's TextConverter would also replace bad bytes, but it skips as many
    // bytes as a bad lead byte announces and so drops the ASCII after it.
    // This loop replaces only the first byte of a bad sequence and goes on
    // with the byte after it.
    static const Poco::UTF8Encoding utf8;
    const Poco::TextEncoding::CharacterMap& lead_bytes = utf8.characterMap();
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());

    std::string repaired;
    repaired.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const int entry = lead_bytes[bytes[i]];
        const std::size_t length = entry >= 0 ? 1 : static_cast<std::size_t>(-entry);
        const bool legal = entry >= 0 ||
                           (length >= 2 && i + length <= text.size() &&
                            Poco::UTF8Encoding::isLegal(bytes + i, static_cast<int>(length)));
        if (legal) {
            repaired.append(text.substr(i, length));
            i += length;
        } else {
            repaired += kReplacementCharacter;
            ++i;
        }
    }
    return repaired;
}

std::string to_xml_text(std::string_view text) {
    const std::string valid = to_valid_utf8(text);
    std::string allowed;
    allowed.reserve(valid.size());
    for (std::size_t i = 0; i < valid.size(); ++i) {
        const auto byte = static_cast<unsigned char>(valid[i]);
        const bool control = byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r';
        // U+FFFE and U+FFFF are EF BF BE and EF BF BF.
        const bool noncharacter = byte == 0xef && i + 2 < valid.size() &&
                                  static_cast<unsigned char>(valid[i + 1]) == 0xbf &&
                                  static_cast<unsigned char>(valid[i + 2]) >= 0xbe;
        if (control || noncharacter) {
            allowed += "\xef\xbf\xbd";
            i += noncharacter ? 2 : 0;
            continue;
        }
        allowed += valid[i];
    }
    return allowed;
}

}  // namespace report_detail
}  // namespace iqts::host
