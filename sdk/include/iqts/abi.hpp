#pragma once

#include <cstdint>

// The plugin ABI. A plugin exports `iqts_abi_record` (data) and
// `iqts_register_checks` (the factory). The host reads the record first and
// calls the factory only when the ABI version and the compiler match,
// because the SDK's types cross the boundary as C++ standard-library types.

#define IQTS_SDK_VERSION "0.1.0"
#define IQTS_ABI_VERSION 1u
#define IQTS_ABI_MAGIC 0x53545149u   // "IQTS" read as little-endian bytes

#define IQTS_STRINGIFY_INNER(x) #x
#define IQTS_STRINGIFY(x) IQTS_STRINGIFY_INNER(x)

#if defined(__clang__)
#define IQTS_COMPILER_ID "clang-" IQTS_STRINGIFY(__clang_major__) "-cxxabi-" IQTS_STRINGIFY(__GXX_ABI_VERSION)
#elif defined(__GNUC__)
#define IQTS_COMPILER_ID "gcc-cxxabi-" IQTS_STRINGIFY(__GXX_ABI_VERSION)
#else
#define IQTS_COMPILER_ID "unknown"
#endif

#if defined(_WIN32)
#define IQTS_EXPORT __declspec(dllexport)
#else
#define IQTS_EXPORT __attribute__((visibility("default")))
#endif

extern "C" {

struct IqtsAbiRecord {
    std::uint32_t magic;          // IQTS_ABI_MAGIC
    std::uint32_t abi_version;    // IQTS_ABI_VERSION the plugin was built with
    const char* sdk_version;      // IQTS_SDK_VERSION the plugin was built with
    const char* compiler;         // IQTS_COMPILER_ID the plugin was built with
    const char* plugin_name;
    const char* plugin_version;
};

}
