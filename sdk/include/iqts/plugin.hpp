#pragma once

// Include this once in a plugin's source and write IQTS_PLUGIN(name, version)
// followed by the body of the factory:
//
//     IQTS_PLUGIN("english-language", "1.0.0") {
//         registry.add(std::make_unique<EnglishLanguageCheck>());
//     }

#include "iqts/abi.hpp"
#include "iqts/check.hpp"

#define IQTS_PLUGIN(name, version)                                                      \
    extern "C" IQTS_EXPORT const IqtsAbiRecord iqts_abi_record = {                   \
        IQTS_ABI_MAGIC, IQTS_ABI_VERSION, IQTS_SDK_VERSION, IQTS_COMPILER_ID, name, version}; \
    extern "C" IQTS_EXPORT void iqts_register_checks(iqts::CheckRegistry& registry)
