// Feeds arbitrary bytes to the archive walker as a downloaded export
// (zip, tar, 7z, gzip, xz), with archives inside archives opened in memory.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "fuzz_scratch.hpp"
#include "iqts/host/walker.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const iqts::fuzz::ScratchFolder scratch;
    static const iqts::host::WalkLimits limits = [] {
        iqts::host::WalkLimits small;
        small.max_entry_bytes = 16u << 20;
        small.max_total_bytes = 64u << 20;
        small.max_entries_per_archive = 10'000;
        return small;
    }();
    const auto file = scratch.write("export.zip", std::string_view(reinterpret_cast<const char*>(data), size));

    iqts::host::WalkVisitor visitor;
    visitor.on_file = [](iqts::host::EvidenceFile&& evidence) {
        if (evidence.path.empty() || evidence.path.find("/../") != std::string::npos) __builtin_trap();
    };
    visitor.on_record = [](iqts::FileRecord&& record) {
        if (record.status != iqts::FileStatus::read && record.reason.empty()) __builtin_trap();
    };
    try {
        iqts::host::walk({file.string()}, limits, visitor);
    } catch (const std::runtime_error&) {
        // Documented: a path given on the command line that cannot be opened at all.
    }
    return 0;
}
