#pragma once

// Shared body of the extractor fuzz targets: the input goes through the
// host's `extract` entry point, which must return a verdict for any bytes
// without crashing, hanging or reading out of bounds.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "iqts/host/extract.hpp"

namespace iqts::fuzz {

// Lower than the defaults so one input cannot pass libFuzzer's memory limit
// before the extractor refuses it.
inline host::ExtractLimits fuzz_limits() {
    host::ExtractLimits limits;
    limits.max_text_bytes = 4u << 20;
    limits.max_cells = 200'000;
    return limits;
}

inline void extract_as(host::FileKind kind, const char* path, const std::uint8_t* data, std::size_t size) {
    static const host::ExtractLimits limits = fuzz_limits();
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const host::Extraction extraction = host::extract(kind, path, bytes, limits);
    // A reason is required whenever the file was not read.
    if (extraction.status != FileStatus::read && extraction.reason.empty()) __builtin_trap();
}

}  // namespace iqts::fuzz
