// Feeds arbitrary bytes to the rule loader as one YAML rule file. Every
// input must load or give a RuleError; nothing else may escape.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_scratch.hpp"
#include "iqts/host/rule_pack.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const iqts::fuzz::ScratchFolder scratch;
    scratch.write("rules.yaml", std::string_view(reinterpret_cast<const char*>(data), size));
    try {
        const iqts::host::LoadedRulePack pack({scratch.path().string()});
    } catch (const iqts::host::RuleError&) {
        // A clear refusal, naming the file, line and column.
    }
    return 0;
}
