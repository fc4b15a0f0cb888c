// A plugin whose factory adds one check and then throws.

#include <memory>
#include <stdexcept>

#include "fixture_check.hpp"
#include "iqts/plugin.hpp"

IQTS_PLUGIN("throwing-factory", "1.0.0") {
    registry.add(std::make_unique<fixture::FunctionCheck>("C1.1", "half-made", [](const iqts::CheckContext&) {
        return std::vector<iqts::Finding>{fixture::pass("", "must never run")};
    }));
    throw std::runtime_error("rule pack version 3 is not supported");
}
