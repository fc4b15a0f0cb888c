// A plugin whose record names another compiler, whose standard library
// types would not match the host's.

#include <memory>

#include "iqts/abi.hpp"

#undef IQTS_COMPILER_ID
#define IQTS_COMPILER_ID "msvc-19.38"

#include "fixture_check.hpp"
#include "iqts/plugin.hpp"

IQTS_PLUGIN("wrong-compiler", "1.0.0") {
    registry.add(std::make_unique<fixture::FunctionCheck>("C1.1", "foreign", [](const iqts::CheckContext&) {
        return std::vector<iqts::Finding>{fixture::pass("", "must never run")};
    }));
}
