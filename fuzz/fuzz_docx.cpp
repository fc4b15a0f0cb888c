// Feeds arbitrary bytes to the docx extractor.

#include "fuzz_extract.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    iqts::fuzz::extract_as(iqts::host::FileKind::docx, "fuzz.docx", data, size);
    return 0;
}
