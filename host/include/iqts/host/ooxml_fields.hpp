#pragma once

#include <string>
#include <string_view>

namespace iqts::host::ooxml {

// Returns the target of a HYPERLINK field instruction, such as
// `HYPERLINK "https://example.org" \o "tip"` -> "https://example.org", or
// `HYPERLINK \l "Section2"` -> "#Section2". Returns an empty string when the
// instruction is not a HYPERLINK field.
std::string hyperlink_field_target(std::string_view instruction);

}  // namespace iqts::host::ooxml
