#include "iqts/host/ooxml_xml.hpp"

#include <map>
#include <stdexcept>
#include <utility>
#include <vector>

namespace iqts::host::ooxml {

namespace {

// The fixed prefix for each namespace URI the extractors read. An empty
// prefix means the names are used without one.
const std::map<std::string, std::string, std::less<>>& known_namespaces() {
    static const std::map<std::string, std::string, std::less<>> namespaces = {
        {"http://schemas.openxmlformats.org/wordprocessingml/2006/main", "w"},
        {"http://purl.oclc.org/ooxml/wordprocessingml/main", "w"},
        {"http://schemas.openxmlformats.org/spreadsheetml/2006/main", ""},
        {"http://purl.oclc.org/ooxml/spreadsheetml/main", ""},
        {"http://schemas.openxmlformats.org/package/2006/relationships", ""},
        {"http://schemas.openxmlformats.org/package/2006/content-types", ""},
        {"http://schemas.openxmlformats.org/officeDocument/2006/relationships", "r"},
        {"http://purl.oclc.org/ooxml/officeDocument/relationships", "r"},
        {"http://schemas.openxmlformats.org/drawingml/2006/main", "a"},
        {"http://purl.oclc.org/ooxml/drawingml/main", "a"},
        {"http://schemas.openxmlformats.org/presentationml/2006/main", "p"},
        {"http://purl.oclc.org/ooxml/presentationml/main", "p"},
        {"http://schemas.openxmlformats.org/drawingml/2006/diagram", "dgm"},
        {"http://purl.oclc.org/ooxml/drawingml/diagram", "dgm"},
        {"http://schemas.microsoft.com/office/drawing/2008/diagram", "dsp"},
        {"http://schemas.openxmlformats.org/markup-compatibility/2006", "mc"},
        {"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing", "wp"},
        {"http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing", "wp"},
        {"http://schemas.microsoft.com/office/word/2010/wordprocessingShape", "wps"},
        {"urn:schemas-microsoft-com:vml", "v"},
        {"http://schemas.openxmlformats.org/package/2006/metadata/core-properties", "cp"},
        {"http://purl.org/dc/elements/1.1/", "dc"},
        {"http://purl.org/dc/terms/", "dcterms"},
        {"http://www.w3.org/XML/1998/namespace", "xml"},
        {"http://www.w3.org/1999/xlink", "xlink"},
        {"urn:oasis:names:tc:opendocument:xmlns:office:1.0", "office"},
        {"urn:oasis:names:tc:opendocument:xmlns:text:1.0", "text"},
        {"urn:oasis:names:tc:opendocument:xmlns:table:1.0", "table"},
        {"urn:oasis:names:tc:opendocument:xmlns:style:1.0", "style"},
        {"urn:oasis:names:tc:opendocument:xmlns:meta:1.0", "meta"},
        {"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0", "draw"},
        {"urn:oasis:names:tc:opendocument:xmlns:presentation:1.0", "presentation"},
        {"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0", "fo"},
        {"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0", "manifest"},
    };
    return namespaces;
}

struct Binding {
    std::string prefix;     // empty for the default namespace
    std::string canonical;  // the prefix the extractors use
};

// Rewrites names to canonical prefixes while walking the tree without
// recursion, and rejects a tree deeper than the limit.
class Canonicaliser {
public:
    Canonicaliser(const std::string& part_name, int max_depth) : part_name_(part_name), max_depth_(max_depth) {}

    void run(pugi::xml_document& document) {
        pugi::xml_node node = document.first_child();
        int depth = 1;
        while (node) {
            if (node.type() == pugi::node_element) {
                if (depth > max_depth_) {
                    throw std::runtime_error("the part '" + part_name_ + "' nests XML elements deeper than the limit of " +
                                             std::to_string(max_depth_) +
                                             " levels; raise it with --max-xml-depth if the file is genuine");
                }
                enter(node);
                if (node.first_child()) {
                    node = node.first_child();
                    ++depth;
                    continue;
                }
            }

            // Leave finished nodes until one has a next sibling.
            while (node) {
                if (node.type() == pugi::node_element) leave();
                if (node.next_sibling()) {
                    node = node.next_sibling();
                    break;
                }
                node = node.parent();
                --depth;
                if (node.type() == pugi::node_document) {
                    node = pugi::xml_node();
                }
            }
        }
    }

private:
    void enter(pugi::xml_node element) {
        marks_.push_back(bindings_.size());
        for (const pugi::xml_attribute attribute : element.attributes()) {
            const std::string_view name = attribute.name();
            if (name == "xmlns") {
                bindings_.push_back({"", canonical_for(attribute.value())});
            } else if (name.starts_with("xmlns:")) {
                bindings_.push_back({std::string(name.substr(6)), canonical_for(attribute.value())});
            }
        }

        rename(element, true);
        for (pugi::xml_attribute attribute : element.attributes()) {
            const std::string_view name = attribute.name();
            if (name == "xmlns" || name.starts_with("xmlns:")) continue;
            rename(attribute, false);
        }
    }

    void leave() {
        bindings_.resize(marks_.back());
        marks_.pop_back();
    }

    template <typename Named>
    void rename(Named& named, bool is_element) {
        const std::string_view name = named.name();
        const auto colon = name.find(':');
        std::string_view prefix;
        std::string_view local = name;
        if (colon != std::string_view::npos) {
            prefix = name.substr(0, colon);
            local = name.substr(colon + 1);
        } else if (!is_element) {
            return;  // an unprefixed attribute belongs to no namespace
        }

        const std::string* canonical = lookup(prefix);
        if (!canonical) return;  // undeclared prefix or no default namespace: keep the name
        std::string wanted = canonical->empty() ? std::string(local) : *canonical + ":" + std::string(local);
        if (wanted != name) named.set_name(wanted.c_str());
    }

    const std::string* lookup(std::string_view prefix) {
        static const std::string xml_prefix = "xml";
        if (prefix == "xml") return &xml_prefix;
        for (auto binding = bindings_.rbegin(); binding != bindings_.rend(); ++binding) {
            if (binding->prefix == prefix) return &binding->canonical;
        }
        return nullptr;
    }

    std::string canonical_for(std::string_view uri) {
        const auto& known = known_namespaces();
        if (const auto found = known.find(uri); found != known.end()) return found->second;
        auto [position, inserted] = unknown_.try_emplace(std::string(uri), "");
        if (inserted) position->second = "ns" + std::to_string(unknown_.size());
        return position->second;
    }

    const std::string& part_name_;
    int max_depth_;
    std::vector<Binding> bindings_;
    std::vector<std::size_t> marks_;
    std::map<std::string, std::string, std::less<>> unknown_;
};

// Returns whether the prolog (the bytes before the root element) holds a
// document type declaration.
bool has_doctype(const std::string& bytes) {
    std::size_t position = 0;
    while ((position = bytes.find('<', position)) != std::string::npos) {
        if (position + 1 >= bytes.size()) return false;
        const char next = bytes[position + 1];
        if (next != '?' && next != '!') return false;  // the root element starts
        if (bytes.compare(position, 9, "<!DOCTYPE") == 0) return true;
        if (bytes.compare(position, 4, "<!--") == 0) {
            position = bytes.find("-->", position + 4);
            if (position == std::string::npos) return false;
        }
        ++position;
    }
    return false;
}

}  // namespace

pugi::xml_document parse_part(const std::string& bytes, const std::string& part_name, int max_depth) {
    if (has_doctype(bytes)) {
        throw std::runtime_error("the part '" + part_name + "' is XML with a DTD, which is not accepted");
    }

    // parse_doctype stays off, so a declaration is skipped and nothing in it is expanded.
    constexpr unsigned options = (pugi::parse_default | pugi::parse_ws_pcdata) & ~pugi::parse_doctype;
    pugi::xml_document document;
    const pugi::xml_parse_result result = document.load_buffer(bytes.data(), bytes.size(), options);
    if (!result) {
        throw std::runtime_error("the part '" + part_name + "' is not well-formed XML (" + result.description() +
                                 " at byte " + std::to_string(result.offset) + ")");
    }

    Canonicaliser(part_name, max_depth).run(document);
    return document;
}

std::string own_text(pugi::xml_node node) {
    std::string text;
    for (const pugi::xml_node child : node.children()) {
        if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) text += child.value();
    }
    return text;
}

pugi::xml_node chosen_branch(pugi::xml_node alternate_content) {
    if (const auto choice = alternate_content.child("mc:Choice")) return choice;
    return alternate_content.child("mc:Fallback");
}

bool is_blank(std::string_view text) {
    return text.find_first_not_of(" \t\r\n\u00a0") == std::string_view::npos;
}

void append_utf8(std::string& out, char32_t code_point) {
    if (code_point < 0x80) {
        out += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
        out += static_cast<char>(0xC0 | (code_point >> 6));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
        out += static_cast<char>(0xE0 | (code_point >> 12));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code_point >> 18));
        out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    }
}

std::string decode_ooxml_escapes(std::string_view text) {
    std::string decoded;
    decoded.reserve(text.size());
    std::size_t position = 0;
    while (position < text.size()) {
        const bool escape = text[position] == '_' && position + 6 < text.size() && text[position + 1] == 'x' &&
                            text[position + 6] == '_';
        char32_t code_point = 0;
        bool valid = escape;
        for (std::size_t i = 2; valid && i < 6; ++i) {
            const char digit = text[position + i];
            code_point <<= 4;
            if (digit >= '0' && digit <= '9') code_point |= static_cast<char32_t>(digit - '0');
            else if (digit >= 'a' && digit <= 'f') code_point |= static_cast<char32_t>(digit - 'a' + 10);
            else if (digit >= 'A' && digit <= 'F') code_point |= static_cast<char32_t>(digit - 'A' + 10);
            else valid = false;
        }
        if (!valid) {
            decoded += text[position++];
            continue;
        }
        append_utf8(decoded, code_point);
        position += 7;
    }
    return decoded;
}

void TextBudget::spend(std::size_t bytes) {
    used_ += bytes;
    if (used_ > max_bytes_) {
        const std::string limit = max_bytes_ >= (1u << 20) ? std::to_string(max_bytes_ >> 20) + " MiB"
                                                            : std::to_string(max_bytes_) + " bytes";
        throw std::runtime_error("the extracted text is larger than the limit of " + limit +
                                 "; raise it with --max-text-mb if the file is genuine");
    }
}

void CellBudget::spend(std::size_t cells, const std::string& table_name) {
    if (cells > max_cells_ - used_) {
        used_ = max_cells_;
        throw std::runtime_error("the table '" + table_name + "' takes the document past the limit of " +
                                 std::to_string(max_cells_) + " cells per document");
    }
    used_ += cells;
}

}  // namespace iqts::host::ooxml
