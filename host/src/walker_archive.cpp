#include <archive.h>
#include <archive_entry.h>

#include <Poco/MemoryStream.h>
#include <Poco/Zip/ZipArchive.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "iqts/host/text_encoding.hpp"
#include "walker_detail.hpp"

namespace iqts::host::walker_detail {
namespace {

using ArchivePtr = std::unique_ptr<archive, decltype(&archive_read_free)>;

// An entry that expands to less than this cannot exhaust memory, so the
// compression ratio is not held against it: small, highly compressible
// files (a short CSV of zeros in a tiny zip) stay readable.
constexpr std::uint64_t kRatioCheckMinBytes = 1ull << 20;
constexpr std::size_t kReadChunkBytes = 64 * 1024;

std::string error_text(archive* reader) {
    const char* text = archive_error_string(reader);
    if (text != nullptr) {
        return text;
    }
    const int code = archive_errno(reader);
    return "libarchive could not read it and gave no reason" +
           (code > 0 ? " (" + std::string(std::strerror(code)) + ")" : std::string());
}

// The reason given for an encrypted entry. The scanner takes no password, so
// the provider must export the evidence again without one.
constexpr const char* kEncryptedReason =
    "password-protected (encrypted), so it cannot be opened; upload it again without a password";

bool mentions_encryption(const std::string& message) {
    const std::string lower = lowercase_ascii(message);
    return lower.find("encrypt") != std::string::npos || lower.find("passphrase") != std::string::npos ||
           lower.find("password") != std::string::npos;
}

std::string archive_kind(archive* reader, FileKind sniffed) {
    switch (archive_format(reader) & ARCHIVE_FORMAT_BASE_MASK) {
        case ARCHIVE_FORMAT_ZIP: return "zip";
        case ARCHIVE_FORMAT_TAR: return "tar";
        case ARCHIVE_FORMAT_7ZIP: return "7z";
        default: return std::string(to_string(sniffed));
    }
}

ArchivePtr open_reader(const ArchiveSource& source) {
    ArchivePtr reader(archive_read_new(), archive_read_free);
    archive_read_support_filter_all(reader.get());
    archive_read_support_format_zip(reader.get());
    archive_read_support_format_tar(reader.get());
    archive_read_support_format_7zip(reader.get());
    // The raw format accepts any bytes, so it is offered only for a
    // compressed stream, where it yields the single file a gzip or xz holds.
    const bool compressed_stream =
        source.kind == FileKind::gzip || source.kind == FileKind::xz || source.kind == FileKind::bzip2;
    if (compressed_stream) {
        archive_read_support_format_raw(reader.get());
    }

    int status = ARCHIVE_OK;
    if (!source.file_name.empty()) {
        status = archive_read_open_filename(reader.get(), source.file_name.c_str(), kReadChunkBytes);
    } else {
        status = archive_read_open_memory(reader.get(), source.bytes.data(), source.bytes.size());
    }
    if (status != ARCHIVE_OK) {
        throw std::runtime_error(error_text(reader.get()));
    }
    return reader;
}

// Names stored without the zip UTF-8 flag are CP437 when Windows wrote them,
// but UTF-8 when macOS or a Linux desktop did. Valid UTF-8 is taken as UTF-8,
// because CP437 text with accented letters rarely is valid UTF-8.
std::string decode_entry_name(archive_entry* entry, bool zip) {
    const char* raw = archive_entry_pathname(entry);
    if (raw == nullptr) {
        raw = archive_entry_pathname_utf8(entry);
    }
    if (raw == nullptr) {
        return std::string();
    }
    const std::string_view bytes(raw);
    if (is_valid_utf8(bytes)) {
        return std::string(bytes);
    }
    // NOTE: a zip written by Windows set to another code page (CP932, CP866)
    // is decoded as CP437 too, which gives valid but wrong characters.
    return zip ? convert_to_utf8(bytes, "CP437") : repair_utf8(bytes);
}

std::string single_file_name(const std::string& archive_name) {
    const std::string lower = lowercase_ascii(archive_name);
    for (const std::string_view extension : {".gz", ".xz", ".bz2"}) {
        if (lower.size() > extension.size() && lower.ends_with(extension)) {
            return archive_name.substr(0, archive_name.size() - extension.size());
        }
    }
    return archive_name.empty() ? std::string("data") : archive_name;
}

// Returns whether the archive starts with a zip local file header ("PK\3\4"),
// that is, whether it contains at least one entry.
bool starts_with_local_header(const ArchiveSource& source) {
    constexpr std::string_view signature("PK\x03\x04", 4);
    if (source.file_name.empty()) return std::string_view(source.bytes).starts_with(signature);
    std::ifstream in(source.file_name, std::ios::binary);
    std::string start(signature.size(), '\0');
    in.read(start.data(), static_cast<std::streamsize>(start.size()));
    return in.gcount() == static_cast<std::streamsize>(start.size()) && start == signature;
}

// The CRC-32 and size of a zip entry as its central directory gives them.
struct StoredEntry {
    std::uint32_t crc = 0;
    std::uint64_t size = 0;
};

// Reads the zip's directory with Poco, which seeks past each entry's data
// instead of inflating it, keyed by each entry's name as stored. Returns
// nothing for a zip that Poco cannot read; its entries are then read in
// full. libarchive 3.6 does not give an entry's CRC-32.
// NOTE: two entries with the same name share one line of the map, so two
// such entries of the same size and time get the same identity.
std::unordered_map<std::string, StoredEntry> read_stored_entries(const ArchiveSource& source) {
    std::unordered_map<std::string, StoredEntry> entries;
    try {
        std::unique_ptr<std::istream> in;
        if (!source.file_name.empty()) {
            in = std::make_unique<std::ifstream>(source.file_name, std::ios::binary);
        } else {
            in = std::make_unique<Poco::MemoryInputStream>(source.bytes.data(), source.bytes.size());
        }
        const Poco::Zip::ZipArchive directory(*in);
        for (auto it = directory.fileInfoBegin(); it != directory.fileInfoEnd(); ++it) {
            entries[it->first] = StoredEntry{it->second.getCRC(), it->second.getUncompressedSize()};
        }
        // An entry whose local header gives another CRC-32 or size than the
        // directory has been altered, so it gets no identity.
        for (auto it = directory.headerBegin(); it != directory.headerEnd(); ++it) {
            const auto stored = entries.find(it->first);
            if (stored == entries.end()) continue;
            const bool sizes_known = !it->second.searchCRCAndSizesAfterData();
            if (sizes_known && (it->second.getCRC() != stored->second.crc ||
                                it->second.getUncompressedSize() != stored->second.size)) {
                entries.erase(stored);
            }
        }
    } catch (const std::exception&) {
        entries.clear();
    }
    return entries;
}

class ArchiveWalk {
public:
    ArchiveWalk(WalkContext& context, const ArchiveSource& source, std::string entry_root, int depth)
        : context_(context), source_(source), entry_root_(std::move(entry_root)), depth_(depth) {}

    ArchiveOutcome run();

private:
    // Returns false when the archive cannot be read any further.
    bool visit_entry(archive_entry* entry, std::uint64_t index);
    // Returns false when the archive cannot be read any further.
    bool read_entry(archive_entry* entry, const std::string& path, const std::string& name,
                    const std::string& modified);
    bool exceeds_ratio(std::uint64_t entry_bytes) const;
    void fail(const std::string& reason);
    // Returns the identity of a zip entry from the zip's directory, or an
    // empty string when the directory does not list it with this size.
    std::string stored_identity(archive_entry* entry, const std::string& path, const std::string& modified) const;

    WalkContext& context_;
    const ArchiveSource& source_;
    std::string entry_root_;
    int depth_;
    ArchivePtr reader_{nullptr, archive_read_free};
    ArchiveOutcome outcome_;
    std::unordered_map<std::string, StoredEntry> stored_;    // filled for a zip when the visitor has is_known
};

ArchiveOutcome ArchiveWalk::run() {
    outcome_.kind = std::string(to_string(source_.kind));
    try {
        reader_ = open_reader(source_);
    } catch (const std::runtime_error& error) {
        fail(error.what());
        return outcome_;
    }
    if (source_.kind == FileKind::zip && context_.visitor.is_known) stored_ = read_stored_entries(source_);

    archive_entry* entry = nullptr;
    for (std::uint64_t index = 0;; ++index) {
        const int status = archive_read_next_header(reader_.get(), &entry);
        if (status == ARCHIVE_EOF) {
            break;
        }
        if (status != ARCHIVE_OK && status != ARCHIVE_WARN) {
            fail(error_text(reader_.get()));
            break;
        }
        outcome_.kind = archive_kind(reader_.get(), source_.kind);

        outcome_.entries = index + 1;
        if (outcome_.entries > context_.limits.max_entries_per_archive) {
            outcome_.status = FileStatus::review;
            outcome_.reason = entries_limit_reason(context_.limits);
            break;
        }
        if (!visit_entry(entry, index)) {
            break;
        }
    }
    if (outcome_.entries == 0 && outcome_.status == FileStatus::read) {
        outcome_.kind = archive_kind(reader_.get(), source_.kind);
        // libarchive's seekable zip reader trusts the central directory, and
        // when that is overwritten it lists no entries and reports no error.
        if (outcome_.kind == "zip" && starts_with_local_header(source_)) {
            fail("the zip's central directory is damaged: the file starts with an entry but the directory lists "
                 "none; download or create the archive again");
        }
    }
    return outcome_;
}

void ArchiveWalk::fail(const std::string& reason) {
    outcome_.status = FileStatus::unreadable;
    outcome_.reason = mentions_encryption(reason)
                          ? "password-protected (" + reason + "); upload it again without a password"
                          : reason;
}

bool ArchiveWalk::visit_entry(archive_entry* entry, std::uint64_t index) {
    const bool raw = (archive_format(reader_.get()) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_RAW;
    const bool zip = (archive_format(reader_.get()) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP;

    std::string relative;
    if (raw) {
        relative = single_file_name(source_.name);
    } else {
        const std::string name = decode_entry_name(entry, zip);
        // A zip name that contains '/' keeps its backslashes, because 0x5C is
        // also the second byte of many CP932 characters.
        const bool backslash_separates = !zip || name.find('/') == std::string::npos;
        relative = normalise_entry_path(name, backslash_separates);
        if (relative.empty()) {
            relative = "unnamed entry " + std::to_string(index + 1);
        }
    }
    const std::string path = entry_root_ + "/" + relative;
    const std::string name = relative.substr(relative.rfind('/') + 1);
    const std::string modified = archive_entry_mtime_is_set(entry) ? format_utc(archive_entry_mtime(entry)) : "";
    const long long declared = archive_entry_size_is_set(entry) ? archive_entry_size(entry) : 0;

    const auto type = archive_entry_filetype(entry);
    if (type == AE_IFDIR) {
        return true;
    }
    if (type == AE_IFLNK || archive_entry_symlink(entry) != nullptr) {
        context_.record(path, "unknown", FileStatus::skipped, "symbolic link, not followed", 0, modified);
        return true;
    }
    if (archive_entry_hardlink(entry) != nullptr) {
        context_.record(path, "unknown", FileStatus::skipped, "hard link, not followed", 0, modified);
        return true;
    }
    if (type != AE_IFREG && type != 0) {
        context_.record(path, "unknown", FileStatus::skipped, "not a regular file", declared, modified);
        return true;
    }
    if (const std::string reason = skip_reason(path); !reason.empty()) {
        context_.record(path, "unknown", FileStatus::skipped, reason, declared, modified);
        return true;
    }
    if (archive_entry_is_data_encrypted(entry) || archive_entry_is_metadata_encrypted(entry)) {
        context_.record(path, "unknown", FileStatus::unreadable, kEncryptedReason, declared, modified);
        return true;
    }
    return read_entry(entry, path, name, modified);
}

bool ArchiveWalk::exceeds_ratio(std::uint64_t entry_bytes) const {
    // libarchive 3.6 does not expose an entry's compressed size, and no entry
    // can be compressed into more bytes than its whole archive holds, so the
    // archive's size bounds the ratio from below.
    const double compressed = static_cast<double>(std::max<std::uint64_t>(source_.size, 1));
    return entry_bytes > kRatioCheckMinBytes &&
           static_cast<double>(entry_bytes) > context_.limits.max_compression_ratio * compressed;
}

std::string ArchiveWalk::stored_identity(archive_entry* entry, const std::string& path,
                                         const std::string& modified) const {
    const char* raw = archive_entry_pathname(entry);
    if (raw == nullptr || stored_.empty() || archive_entry_size_is_set(entry) == 0) return "";
    const auto stored = stored_.find(raw);
    if (stored == stored_.end() || stored->second.size != static_cast<std::uint64_t>(archive_entry_size(entry))) {
        return "";
    }
    char crc[9];
    std::snprintf(crc, sizeof crc, "%08x", stored->second.crc);
    return "zip:" + path + ":" + crc + ":" + std::to_string(stored->second.size) + ":" + modified;
}

bool ArchiveWalk::read_entry(archive_entry* entry, const std::string& path, const std::string& name,
                             const std::string& modified) {
    const WalkLimits& limits = context_.limits;
    const bool size_known = archive_entry_size_is_set(entry) != 0 && archive_entry_size(entry) >= 0;
    const auto declared = size_known ? static_cast<std::uint64_t>(archive_entry_size(entry)) : 0;
    const auto size_field = static_cast<long long>(declared);

    // A declared size is checked before anything is decompressed; unread data
    // is skipped by the next call to archive_read_next_header.
    if (size_known && declared > limits.max_entry_bytes) {
        context_.record(path, "unknown", FileStatus::review, entry_limit_reason(limits), size_field, modified);
        return true;
    }
    if (size_known && exceeds_ratio(declared)) {
        context_.record(path, "unknown", FileStatus::review, ratio_limit_reason(limits), size_field, modified);
        return true;
    }
    if (size_known && !context_.fits_total(declared)) {
        context_.record(path, "unknown", FileStatus::review, total_limit_reason(limits), size_field, modified);
        return true;
    }

    // An entry whose identity (CRC-32, size, time) the visitor already has is
    // passed on unread, and libarchive skips its data at the next header.
    const auto identity = stored_identity(entry, path, modified);
    if (!identity.empty() && context_.visitor.is_known(identity, false)) {
        EvidenceFile known;
        known.path = path;
        known.name = name;
        known.modified = modified;
        known.depth = depth_;
        known.identity = identity;
        context_.deliver_unread(std::move(known), declared);
        return true;
    }

    // Declared sizes can lie, so the same limits hold while reading.
    std::string bytes;
    std::array<char, kReadChunkBytes> chunk{};
    for (;;) {
        const la_ssize_t length = archive_read_data(reader_.get(), chunk.data(), chunk.size());
        if (length == 0) {
            break;
        }
        if (length < 0) {
            const std::string message = error_text(reader_.get());
            const std::string reason = mentions_encryption(message) ? kEncryptedReason : message;
            context_.record(path, "unknown", FileStatus::unreadable, reason, size_field, modified);
            if (length == ARCHIVE_FATAL) {
                fail(message);
                return false;
            }
            return true;
        }
        bytes.append(chunk.data(), static_cast<std::size_t>(length));

        std::string limit;
        if (bytes.size() > limits.max_entry_bytes) {
            limit = entry_limit_reason(limits);
        } else if (exceeds_ratio(bytes.size())) {
            limit = ratio_limit_reason(limits);
        } else if (!context_.fits_total(bytes.size())) {
            limit = total_limit_reason(limits);
        }
        if (!limit.empty()) {
            const auto read_so_far = static_cast<long long>(bytes.size());
            context_.record(path, "unknown", FileStatus::review, limit, std::max(size_field, read_so_far), modified);
            return true;
        }
    }

    context_.deliver(path, name, std::move(bytes), modified, depth_, identity);
    return true;
}

}  // namespace

ArchiveOutcome walk_archive(WalkContext& context, const ArchiveSource& source, const std::string& entry_root,
                            int depth) {
    ArchiveWalk walk(context, source, entry_root, depth);
    return walk.run();
}

}  // namespace iqts::host::walker_detail
