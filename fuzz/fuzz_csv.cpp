// Feeds arbitrary bytes to the csv extractor.

#include "fuzz_extract.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    iqts::fuzz::extract_as(iqts::host::FileKind::csv, "fuzz.csv", data, size);
    return 0;
}
