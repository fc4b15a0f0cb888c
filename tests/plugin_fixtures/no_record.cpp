// A library with a factory but no ABI record, as if built without IQTS_PLUGIN.

#include "iqts/abi.hpp"
#include "iqts/check.hpp"

extern "C" IQTS_EXPORT void iqts_register_checks(iqts::CheckRegistry&) {}
