// A library whose record has the right name but not the iQTS magic number.

#include "iqts/abi.hpp"
#include "iqts/check.hpp"

extern "C" IQTS_EXPORT const IqtsAbiRecord iqts_abi_record = {
    0x46464952u, IQTS_ABI_VERSION, IQTS_SDK_VERSION, IQTS_COMPILER_ID, "wrong-magic", "1.0.0"};

extern "C" IQTS_EXPORT void iqts_register_checks(iqts::CheckRegistry&) {}
