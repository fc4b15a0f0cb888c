#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

#include "iqts/host/sniff.hpp"
#include "iqts/host/walker.hpp"

namespace iqts::host::walker_detail {

// State shared by the folder and archive walks of one call to `walk`.
struct WalkContext {
    const WalkLimits& limits;
    const WalkVisitor& visitor;
    std::uint64_t total_bytes = 0;   // uncompressed bytes read into memory so far

    void record(std::string path, std::string kind, FileStatus status, std::string reason, long long size,
                std::string modified) const;

    // Returns true when `more` bytes still fit under max_total_bytes.
    bool fits_total(std::uint64_t more) const;

    // Walks a file read into memory when it is an archive and the nesting
    // limit allows it, and passes any other file to the visitor. `depth` is
    // the number of archives the file sits in.
    void deliver(std::string path, std::string name, std::string bytes, std::string modified, int depth,
                 std::string identity = "");

    // Passes a file whose identity the visitor has on without its bytes.
    // `file` has its path, name, time, depth, identity and, for a folder
    // file, disk_path. `size` is its size on disk or in the archive.
    void deliver_unread(EvidenceFile file, std::uint64_t size);
};

// Where an archive's bytes come from: a file of the file system (streamed by
// libarchive) or memory (an archive found inside another one).
struct ArchiveSource {
    std::string file_name;       // set for a file of the file system
    std::string_view bytes;      // set for an archive in memory
    std::uint64_t size = 0;      // compressed size of the whole archive, in bytes
    FileKind kind = FileKind::zip;   // what `sniff` made of the first bytes
    std::string name;            // file name of the archive, names the one file of a gzip or xz
};

// What became of one archive, for the archive's own record.
struct ArchiveOutcome {
    std::string kind;            // zip, tar, 7z, or gzip, xz, bzip2 for a single compressed file
    FileStatus status = FileStatus::read;
    std::string reason;
    std::uint64_t entries = 0;   // headers read, folders included
};

// Walks one archive. `entry_root` prefixes every entry path ("export.zip!")
// and the entries sit in `depth` archives. Entries read before an error are
// kept; the error goes into the outcome.
ArchiveOutcome walk_archive(WalkContext& context, const ArchiveSource& source, const std::string& entry_root,
                            int depth);

// Limit messages name the option that raises each limit.
std::string entry_limit_reason(const WalkLimits& limits);
std::string total_limit_reason(const WalkLimits& limits);
std::string depth_limit_reason(const WalkLimits& limits, int depth);
std::string entries_limit_reason(const WalkLimits& limits);
std::string ratio_limit_reason(const WalkLimits& limits);

std::string format_utc(std::time_t time);

// Returns `text` with ASCII letters in lower case; other bytes stay as they are.
std::string lowercase_ascii(std::string_view text);

// Turns an entry name from an archive into a clean relative path: '/'
// separators, no empty, "." or ".." components, no leading '/', drive
// letter or `\\?\` prefix. Returns an empty string when nothing is left.
std::string normalise_entry_path(std::string_view name, bool backslash_separates);

}  // namespace iqts::host::walker_detail
