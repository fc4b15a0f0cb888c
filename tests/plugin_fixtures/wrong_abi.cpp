// A plugin built against a future SDK: ABI 2, SDK 9.9.9.

#include <memory>

#include "iqts/abi.hpp"

#undef IQTS_ABI_VERSION
#define IQTS_ABI_VERSION 2u
#undef IQTS_SDK_VERSION
#define IQTS_SDK_VERSION "9.9.9"

#include "fixture_check.hpp"
#include "iqts/plugin.hpp"

IQTS_PLUGIN("wrong-abi", "1.0.0") {
    registry.add(std::make_unique<fixture::FunctionCheck>("C1.1", "future", [](const iqts::CheckContext&) {
        return std::vector<iqts::Finding>{fixture::pass("", "must never run")};
    }));
}
