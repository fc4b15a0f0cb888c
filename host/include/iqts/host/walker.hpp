#pragma once

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

// One file of the export, with its content loaded in memory.
struct EvidenceFile {
    std::string path;              // virtual path, '/' separators, "!/" after an archive
    std::string name;              // last path component
    std::string bytes;
    std::string modified;          // ISO 8601 UTC, empty when unknown
    int depth = 0;                 // number of archives it sits in
};

// Receives each evidence file (to extract) and each record of a file that
// was skipped or could not be read (to report). Called from the walking
// thread, in a deterministic order: folders sorted by name, archive
// entries in their stored order.
struct WalkVisitor {
    std::function<void(EvidenceFile&&)> on_file;
    std::function<void(FileRecord&&)> on_record;
};

// Walks every path given on the command line: folders, archives (zip, tar,
// tar.gz, tar.xz, 7z) and split zips of one download, which are merged into
// one tree. Archives found inside are opened in memory and walked too.
// Never writes anything and never follows symbolic links.
// Throws std::runtime_error when a path given on the command line does not
// exist or cannot be opened at all.
void walk(const std::vector<std::string>& paths, const WalkLimits& limits, const WalkVisitor& visitor);

// Returns why a file name is skipped (Office lock file, macOS or Windows
// metadata) or an empty string when it is evidence.
std::string skip_reason(const std::string& virtual_path);

}  // namespace iqts::host
