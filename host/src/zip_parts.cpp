#include "iqts/host/zip_parts.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <stdexcept>

namespace iqts::host {

namespace {

// A package with more parts than this is not an Office document a person wrote.
constexpr std::size_t max_part_count = 100'000;

// Media and embedded binaries carry no text for the extractors, so they are
// not held in memory.
bool is_binary_media(const std::string& name) {
    static constexpr std::array<std::string_view, 22> extensions = {
        ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg", ".wdp",
        ".mp3", ".mp4", ".m4a", ".wav", ".avi", ".mov", ".wmv", ".bin", ".ttf", ".odttf", ".jfif"};
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return std::any_of(extensions.begin(), extensions.end(),
                       [&](std::string_view extension) { return lower.ends_with(extension); });
}

// Returns the part name without a leading "/" or "./", with '/' separators.
std::string normalise_name(std::string name) {
    std::replace(name.begin(), name.end(), '\\', '/');
    while (name.starts_with("./")) name.erase(0, 2);
    while (name.starts_with("/")) name.erase(0, 1);
    return name;
}

bool equal_ignoring_case(const std::string& a, const std::string& b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

using ArchivePtr = std::unique_ptr<archive, decltype(&archive_read_free)>;

std::string archive_message(archive* reader) {
    const char* message = archive_error_string(reader);
    return message ? message : "unknown error";
}

}  // namespace

ZipParts::ZipParts(std::string_view bytes, std::size_t max_part_bytes) {
    // The seekable zip reader trusts the central directory, so entries written
    // with data descriptors (sizes after the data) are read correctly.
    ArchivePtr reader(archive_read_new(), &archive_read_free);
    if (!reader) throw std::runtime_error("the zip reader could not be created (out of memory?)");
    archive_read_support_format_zip_seekable(reader.get());
    if (archive_read_open_memory(reader.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) {
        throw std::runtime_error("not a readable zip package: " + archive_message(reader.get()));
    }

    archive_entry* entry = nullptr;
    std::size_t count = 0;
    while (true) {
        const int status = archive_read_next_header(reader.get(), &entry);
        if (status == ARCHIVE_EOF) break;
        if (status < ARCHIVE_WARN) {
            throw std::runtime_error("damaged zip package: " + archive_message(reader.get()));
        }
        if (++count > max_part_count) {
            throw std::runtime_error("the package has more than " + std::to_string(max_part_count) +
                                     " parts, which no Office document has");
        }

        const char* raw_name = archive_entry_pathname(entry);
        if (!raw_name || archive_entry_filetype(entry) != AE_IFREG) continue;
        const std::string name = normalise_name(raw_name);
        if (is_binary_media(name)) continue;
        if (archive_entry_is_encrypted(entry)) {
            throw std::runtime_error("password-protected (the zip entry '" + name + "' is encrypted)");
        }

        // The declared size may be absent or false, so the limit is applied
        // to the bytes actually decompressed.
        std::string content;
        std::array<char, 64 * 1024> buffer{};
        while (true) {
            const la_ssize_t read = archive_read_data(reader.get(), buffer.data(), buffer.size());
            if (read == 0) break;
            if (read < 0) {
                throw std::runtime_error("damaged zip package: part '" + name +
                                         "' cannot be decompressed: " + archive_message(reader.get()));
            }
            if (content.size() + static_cast<std::size_t>(read) > max_part_bytes) {
                throw std::runtime_error("the part '" + name + "' is larger than the limit of " +
                                         std::to_string(max_part_bytes) + " bytes");
            }
            content.append(buffer.data(), static_cast<std::size_t>(read));
        }
        parts_[name] = std::move(content);
    }
}

bool ZipParts::has(const std::string& name) const {
    const std::string requested = normalise_name(name);
    if (parts_.count(requested)) return true;
    return std::any_of(parts_.begin(), parts_.end(),
                       [&](const auto& part) { return equal_ignoring_case(part.first, requested); });
}

const std::string& ZipParts::get(const std::string& name) const {
    static const std::string empty;
    const std::string requested = normalise_name(name);
    if (const auto found = parts_.find(requested); found != parts_.end()) return found->second;

    // Part names in an Open Packaging Conventions package compare without case.
    for (const auto& [part_name, content] : parts_) {
        if (equal_ignoring_case(part_name, requested)) return content;
    }
    return empty;
}

}  // namespace iqts::host
