#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "iqts/host/extract.hpp"
#include "iqts/host/sniff.hpp"

namespace iqts::host {

// Version of what the extractors produce. Raise it whenever a change to an
// extractor gives a different Document for the same bytes, so that entries
// written by older code are no longer found. The cache key also contains
// the scanner's version.
constexpr unsigned extractor_version = 2;

// A stored extraction and the kind `sniff` gave its file, so that a hit
// needs neither the extractor nor the sniffing.
struct CachedExtraction {
    FileKind kind = FileKind::unknown;
    Extraction extraction;
};

// Returns $XDG_CACHE_HOME/iqts-scan, else $HOME/.cache/iqts-scan, or an
// empty string when neither variable is set to an absolute path.
std::string default_cache_folder();

// Extractions stored on disk by content: one file per key, each holding a
// header, the key and an encode_extraction record with its own checksum.
// An entry that is truncated, corrupt, of another format or for another key
// is ignored and counted as invalid, and the next store replaces it. Entries
// are written to a temporary file and renamed, so concurrent scans sharing
// the folder see either a whole entry or none. The folder is created with
// mode 0700 and entries with mode 0600, because they hold the export's
// personal data. Safe to use from several threads.
class ExtractCache {
public:
    // Creates `folder` when needed. Throws std::runtime_error naming the
    // folder when it cannot be created or is not a folder.
    ExtractCache(std::string folder, std::uint64_t max_bytes);

    // Returns the key of a file: SHA-256, in hex, of the scanner and
    // extractor versions, the limits that change what an extractor returns,
    // the extension of `name` (which `sniff` reads to tell text formats
    // apart) and the bytes.
    static std::string key(std::string_view bytes, std::string_view name, const ExtractLimits& limits);

    // Returns the stored extraction, with an empty document path, and its
    // kind, or nothing when there is no valid entry. A hit marks the entry
    // as recently used.
    std::optional<CachedExtraction> load(const std::string& key);

    // Stores `extraction` and `kind` without the document path. A failure to
    // write is counted and not thrown, because the scan does not depend on
    // the cache. Throws only std::bad_alloc.
    void store(const std::string& key, FileKind kind, const Extraction& extraction);

    // Returns a tag of the scanner and extractor versions and the limits.
    // Identities are remembered under it, because the same file gives
    // another extraction under other limits or another scanner.
    static std::string identity_scope(const ExtractLimits& limits);

    // Returns the key remembered for a folder file's identity (see
    // file_identity), or nothing. The identities are kept in the file
    // "identities" in the cache folder, so that a rescan need neither read
    // nor hash a file that has not changed since the last scan.
    std::optional<std::string> known_key(const std::string& identity) const;

    // Remembers the key of the file with `identity`, until trim() writes it.
    void remember(const std::string& identity, const std::string& key);

    // Removes the least recently used entries until the entries take at
    // most max_bytes, removes temporary files left by interrupted writes
    // more than an hour ago, and writes the identities whose entries remain.
    void trim();

    // Returns the path of the entry file for `key`.
    std::string entry_path(const std::string& key) const;

    const std::string& folder() const { return folder_; }

    struct Counts {
        std::uint64_t hits = 0;
        std::uint64_t misses = 0;
        std::uint64_t invalid = 0;        // entries found corrupt or truncated
        std::uint64_t stored = 0;
        std::uint64_t write_failures = 0;
        std::uint64_t removed = 0;        // entries removed by trim
    };
    Counts counts() const;

    // The message of the first failed write, or empty.
    std::string first_write_error() const;

private:
    std::string folder_;
    std::uint64_t max_bytes_;
    std::atomic<std::uint64_t> hits_{0};
    std::atomic<std::uint64_t> misses_{0};
    std::atomic<std::uint64_t> invalid_{0};
    std::atomic<std::uint64_t> stored_{0};
    std::atomic<std::uint64_t> write_failures_{0};
    std::atomic<std::uint64_t> removed_{0};
    std::atomic<std::uint64_t> temporary_counter_{0};
    mutable std::mutex error_mutex_;
    std::string first_write_error_;
    mutable std::mutex identities_mutex_;
    std::unordered_map<std::string, std::string> identities_;    // identity -> key
    bool identities_changed_ = false;

    void read_identities();
    void write_identities();
};

}  // namespace iqts::host
