// A library with a valid ABI record but no factory.

#include "iqts/abi.hpp"

extern "C" IQTS_EXPORT const IqtsAbiRecord iqts_abi_record = {
    IQTS_ABI_MAGIC, IQTS_ABI_VERSION, IQTS_SDK_VERSION, IQTS_COMPILER_ID, "no-factory", "1.0.0"};
