#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "iqts/index.hpp"

namespace iqts::host {

// Limits that keep a hostile export from exhausting memory or time.
struct WalkLimits {
    std::uint64_t max_entry_bytes = 512ull << 20;       // one file, uncompressed
    std::uint64_t max_total_bytes = 8ull << 30;         // all files, uncompressed
    int max_nesting_depth = 4;                          // archives inside archives
    std::uint64_t max_entries_per_archive = 100000;
    double max_compression_ratio = 200;                 // uncompressed / compressed, per entry
};

// One file of the export, with its content loaded in memory. A file whose
// identity the visitor already has (see WalkVisitor::is_known) comes
// without its content, and a folder file then gives its place on disk.
struct EvidenceFile {
    std::string path;              // virtual path, '/' separators, "!/" after an archive
    std::string name;              // last path component
    std::string bytes;
    std::string modified;          // ISO 8601 UTC, empty when unknown
    int depth = 0;                 // number of archives it sits in
    // The identity of this version of the file, found without reading it:
    // file_identity and the path for a folder file, and the path, CRC-32,
    // size and time from the zip's directory for a zip entry. Empty when
    // unknown.
    std::string identity;
    bool unread = false;           // true when `bytes` was not read because the visitor knew the file
    std::string disk_path;         // where an unread folder file is; empty for an archive entry
    std::uint64_t disk_size = 0;   // the size of an unread file
};

// Receives each evidence file (to extract) and each record of a file that
// was skipped or could not be read (to report). Called from the walking
// thread, in a deterministic order: folders sorted by name, archive
// entries in their stored order.
struct WalkVisitor {
    std::function<void(EvidenceFile&&)> on_file;
    std::function<void(FileRecord&&)> on_record;
    // Returns whether the visitor already has what it needs from the file
    // with this identity (a folder file or a zip entry), so that the walker
    // passes it on unread. Only files given to on_file can be known, so an
    // archive, which the walker opens itself, is always read. `can_read_again`
    // is true for a folder file, which can still be read from disk_path if
    // the visitor's stored extraction turns out unusable, and false for an
    // archive entry. May be empty.
    std::function<bool(const std::string& identity, bool can_read_again)> is_known;
};

// Walks every path given on the command line: folders, archives (zip, tar,
// tar.gz, tar.xz, 7z) and split zips of one download, which are merged into
// one tree. Archives found inside are opened in memory and walked too.
// Never writes anything and never follows symbolic links.
// Throws std::runtime_error when a path given on the command line does not
// exist or cannot be opened at all.
void walk(const std::vector<std::string>& paths, const WalkLimits& limits, const WalkVisitor& visitor);

// Returns a string that changes whenever the file of `status` may have
// changed: device, inode, size, and modification and change times in
// nanoseconds. Empty when the change time is less than `settle_seconds`
// before `now_seconds` (or after it), because a file written twice within
// one tick of a coarse file-system clock keeps its times.
std::string file_identity(const struct stat& status, long long now_seconds, long long settle_seconds = 3);

// Reads at most `limit` bytes of a file without following a symbolic link.
// Returns false, with the system's reason in `error`, when it cannot.
bool read_disk_file(const std::string& path, std::uint64_t limit, std::string& bytes, std::string& error);

// Returns why a file name is skipped (Office lock file, macOS or Windows
// metadata) or an empty string when it is evidence.
std::string skip_reason(const std::string& virtual_path);

}  // namespace iqts::host
