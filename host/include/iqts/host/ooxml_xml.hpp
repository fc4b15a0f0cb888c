#pragma once

#include <pugixml.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace iqts::host::ooxml {

// Parses one XML part of an OOXML or ODF package without a DTD: a part
// with a DOCTYPE is rejected and pugixml expands no entity but the five
// predefined ones and character references. Element and attribute names are
// rewritten to a fixed prefix per namespace URI, so callers match "w:p" or
// "table:table-cell" whatever prefix the file used. Transitional and Strict
// OOXML share one prefix. SpreadsheetML, package relationships and content
// types become unprefixed; an unknown namespace becomes "ns1", "ns2" and so on.
// Throws std::runtime_error naming the part when it is not well-formed or
// nests elements deeper than `max_depth`.
pugi::xml_document parse_part(const std::string& bytes, const std::string& part_name, int max_depth);

// Returns the text of the element's own text and CDATA children.
std::string own_text(pugi::xml_node node);

// Returns the branch of an mc:AlternateContent element to read: the first
// mc:Choice, else mc:Fallback. Both hold the same content, so reading one
// avoids reporting text boxes and shapes twice.
pugi::xml_node chosen_branch(pugi::xml_node alternate_content);

// Returns whether `text` is empty or only spaces, tabs, line breaks and no-break spaces.
bool is_blank(std::string_view text);

// Decodes the OOXML escapes "_xHHHH_" (for example "_x000D_" for a carriage
// return) and "_x005F_" before an escape that is meant literally.
std::string decode_ooxml_escapes(std::string_view text);

// Appends a code point as UTF-8.
void append_utf8(std::string& out, char32_t code_point);

// Counts extracted text against ExtractLimits::max_text_bytes.
class TextBudget {
public:
    explicit TextBudget(std::size_t max_bytes) : max_bytes_(max_bytes) {}
    // Throws std::runtime_error naming the limit when the total passes it.
    void spend(std::size_t bytes);

private:
    std::size_t max_bytes_;
    std::size_t used_ = 0;
};

// Counts materialised table cells against ExtractLimits::max_cells.
class CellBudget {
public:
    explicit CellBudget(std::size_t max_cells) : max_cells_(max_cells) {}
    // Throws std::runtime_error naming the table and the limit when the total passes it.
    void spend(std::size_t cells, const std::string& table_name);
    std::size_t remaining() const { return max_cells_ - used_; }

private:
    std::size_t max_cells_;
    std::size_t used_ = 0;
};

}  // namespace iqts::host::ooxml
