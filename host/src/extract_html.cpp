#include <stdexcept>
#include <string>
#include <string_view>

#include "iqts/host/extract.hpp"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "iqts/host/text_encoding.hpp"
#include "text_budget.hpp"

namespace iqts::host {

namespace {

std::string_view name_of(const xmlNode* node) {
    return node->name ? reinterpret_cast<const char*>(node->name) : "";
}

std::string attribute(const xmlNode* node, const char* name) {
    xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
    if (!value) return {};
    std::string text(reinterpret_cast<const char*>(value));
    xmlFree(value);
    return text;
}

bool is_element(const xmlNode* node, std::string_view name) {
    return node->type == XML_ELEMENT_NODE && name_of(node) == name;
}

bool is_block_element(std::string_view name) {
    static const std::set<std::string_view> blocks = {
        "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
        "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
        "summary", "ul"};
    return blocks.contains(name);
}

bool is_hidden_element(std::string_view name) {
    return name == "script" || name == "style" || name == "noscript" || name == "template" ||
           name == "object" || name == "iframe";
}

void trim(std::string& text) {
    const auto first = text.find_first_not_of(" \n");
    if (first == std::string::npos) {
        text.clear();
        return;
    }
    text.erase(0, first);
    text.erase(text.find_last_not_of(" \n") + 1);
}

// Turns an HTML tree into blocks, tables and links. Text inside a table
// belongs to the table's cells, not to the blocks.
class HtmlReader {
public:
    HtmlReader(Document& document, TextBudget& budget, int max_depth)
        : document_(document), budget_(budget), max_depth_(max_depth) {}

    void read(xmlNode* root) {
        walk(root, 0);
        flush_block();
        // Tables found inside table cells become tables of their own.
        for (std::size_t i = 0; i < nested_tables_.size(); ++i) read_table(nested_tables_[i].first, nested_tables_[i].second);
    }

    bool too_deep() const { return too_deep_; }

private:
    void walk(xmlNode* node, int depth) {
        if (budget_.exhausted()) return;
        if (depth > max_depth_) {
            too_deep_ = true;
            return;
        }
        if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
            if (node->content) append_text(reinterpret_cast<const char*>(node->content));
            return;
        }
        if (node->type != XML_ELEMENT_NODE) return;

        const auto name = name_of(node);
        if (name == "title") {
            read_title(node);
            return;
        }
        if (name == "head") {
            // Only the title of the head is content.
            for (xmlNode* child = node->children; child; child = child->next) {
                if (is_element(child, "title")) read_title(child);
            }
            return;
        }
        if (is_hidden_element(name)) return;
        if (name == "br") {
            break_line();
            return;
        }
        if (name == "table") {
            if (cell_) {
                nested_tables_.emplace_back(node, depth);
                return;
            }
            flush_block();
            read_table(node, depth);
            return;
        }
        if (name == "a") {
            read_link(node, depth);
            return;
        }

        const bool block = is_block_element(name);
        const bool preformatted = name == "pre";
        if (block) break_block();
        if (preformatted) ++preformatted_;
        walk_children(node, depth);
        if (preformatted) --preformatted_;
        if (block) break_block();
    }

    void walk_children(xmlNode* node, int depth) {
        for (xmlNode* child = node->children; child; child = child->next) walk(child, depth + 1);
    }

    void read_title(xmlNode* node) {
        if (!document_.title.empty() || cell_) return;
        xmlChar* content = xmlNodeGetContent(node);
        if (!content) return;
        // append_text writes to the block being built, so that block waits aside.
        std::string waiting_block;
        std::swap(waiting_block, block_);
        append_text(reinterpret_cast<const char*>(content));
        xmlFree(content);
        std::string title;
        std::swap(title, block_);
        std::swap(block_, waiting_block);
        trim(title);
        document_.title = std::move(title);
    }

    void read_link(xmlNode* node, int depth) {
        const auto target = attribute(node, "href");
        const auto location = here();
        const auto start = sink()->size();
        const auto blocks_before = document_.blocks.size();
        walk_children(node, depth);
        if (target.empty()) return;

        // A block that ends inside the link leaves only the link's last part here.
        std::string text = document_.blocks.size() == blocks_before && sink()->size() >= start
                               ? sink()->substr(start)
                               : *sink();
        trim(text);
        document_.links.push_back({std::move(text), target, location});
    }

    void read_table(xmlNode* node, int depth) {
        Table table;
        table.name = "table " + std::to_string(document_.tables.size() + 1);
        const auto table_index = document_.tables.size();
        document_.tables.push_back(std::move(table));
        read_rows(node, table_index, depth);
    }

    // Reads the rows of a table, looking through thead, tbody and tfoot
    // but not into tables nested in cells.
    void read_rows(xmlNode* node, std::size_t table_index, int depth) {
        for (xmlNode* child = node->children; child && !budget_.exhausted(); child = child->next) {
            if (child->type != XML_ELEMENT_NODE) continue;
            const auto name = name_of(child);
            if (name == "thead" || name == "tbody" || name == "tfoot") {
                read_rows(child, table_index, depth + 1);
            } else if (name == "tr") {
                read_row(child, table_index, depth + 1);
            } else if (name == "caption") {
                walk(child, depth + 1);
                flush_block();
            }
        }
    }

    void read_row(xmlNode* row_node, std::size_t table_index, int depth) {
        auto& rows = document_.tables[table_index].rows;
        rows.emplace_back();
        const auto row = rows.size() - 1;
        for (xmlNode* child = row_node->children; child && !budget_.exhausted(); child = child->next) {
            if (!is_element(child, "td") && !is_element(child, "th")) continue;
            auto& table = document_.tables[table_index];
            const auto column = table.rows[row].size();

            std::string text;
            cell_ = &text;
            cell_location_ = table.location(row, column);
            walk_children(child, depth + 1);
            cell_ = nullptr;
            trim(text);

            Cell cell;
            cell.type = text.empty() ? CellType::empty : CellType::text;
            cell.text = std::move(text);
            document_.tables[table_index].rows[row].push_back(std::move(cell));

            // NOTE: rowspan is not applied, so a cell below a tall cell
            // shifts one column left; colspan pads the row and records a merge.
            const int span = std::clamp(std::atoi(attribute(child, "colspan").c_str()), 1, 1000);
            if (span > 1) {
                auto& merged = document_.tables[table_index];
                merged.rows[row].resize(column + static_cast<std::size_t>(span));
                merged.merges.push_back({static_cast<int>(row), static_cast<int>(column), static_cast<int>(row),
                                         static_cast<int>(column) + span - 1});
            }
        }
    }

    std::string* sink() { return cell_ ? cell_ : &block_; }

    std::string here() const {
        return cell_ ? cell_location_ : "block " + std::to_string(document_.blocks.size() + 1);
    }

    // Appends text with runs of white space collapsed to one space, except
    // inside <pre>. A no-break space becomes a plain space so that searches
    // for "\s" find it.
    void append_text(std::string_view text) {
        std::string& out = *sink();
        std::string piece;
        piece.reserve(text.size());
        for (std::size_t i = 0; i < text.size(); ++i) {
            char c = text[i];
            if (c == '\xC2' && i + 1 < text.size() && text[i + 1] == '\xA0') {
                c = ' ';
                ++i;
            }
            const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
            if (space && preformatted_ == 0) {
                const char last = !piece.empty() ? piece.back() : !out.empty() ? out.back() : '\n';
                if (last != ' ' && last != '\n') piece += ' ';
                continue;
            }
            piece += c == '\r' ? '\n' : c;
        }
        piece.resize(budget_.admit(piece));
        out += piece;
    }

    void break_line() {
        std::string& out = *sink();
        while (!out.empty() && out.back() == ' ') out.pop_back();
        out += '\n';
    }

    // Ends the current block; inside a table cell a block only starts a new line.
    void break_block() {
        if (!cell_) {
            flush_block();
            return;
        }
        if (!cell_->empty() && cell_->back() != '\n') break_line();
    }

    void flush_block() {
        trim(block_);
        if (!block_.empty()) {
            document_.blocks.push_back({std::move(block_), "block " + std::to_string(document_.blocks.size() + 1)});
        }
        block_.clear();
    }

    Document& document_;
    TextBudget& budget_;
    int max_depth_;
    std::string block_;
    std::string* cell_ = nullptr;
    std::string cell_location_;
    int preformatted_ = 0;
    bool too_deep_ = false;
    std::vector<std::pair<xmlNode*, int>> nested_tables_;
};

// Returns true when the first kilobyte declares a charset or starts with a
// byte order mark. libxml2 then decodes the file by that declaration.
bool declares_charset(std::string_view bytes) {
    if (bytes.starts_with("\xEF\xBB\xBF") || bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
        return true;
    }
    std::string head(bytes.substr(0, 1024));
    std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
    return head.find("charset") != std::string::npos;
}

struct XmlDocFree {
    void operator()(xmlDoc* document) const { xmlFreeDoc(document); }
};

}  // namespace

Extraction extract_html(const std::string& path, std::string_view bytes, const ExtractLimits& limits) {
    static std::once_flag init;
    std::call_once(init, [] { xmlInitParser(); });

    Extraction extraction;
    auto& document = extraction.document;
    document.path = path;
    document.kind = "html";

    // Without a declared charset, the bytes are decoded here (UTF-8, UTF-16
    // or Windows-1252) rather than left to libxml2's Latin-1 default.
    std::string decoded;
    const char* encoding = nullptr;
    if (!declares_charset(bytes)) {
        decoded = decode_text(bytes).text;
        bytes = decoded;
        encoding = "UTF-8";
    }
    if (bytes.size() > static_cast<std::size_t>(INT32_MAX)) throw std::runtime_error("HTML file larger than 2 GiB");

    // XML_PARSE_HUGE lifts libxml2's 10 MB cap on one text node, which would
    // end the parse without an error; TextBudget bounds the text instead.
    constexpr int options =
        HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | XML_PARSE_HUGE;
    const std::unique_ptr<xmlDoc, XmlDocFree> tree(
        htmlReadMemory(bytes.data(), static_cast<int>(bytes.size()), nullptr, encoding, options));
    if (!tree) throw std::runtime_error("damaged HTML: libxml2 could not parse it");
    xmlNode* root = xmlDocGetRootElement(tree.get());
    if (!root) return extraction;

    TextBudget budget(limits.max_text_bytes);
    HtmlReader reader(document, budget, limits.max_xml_depth);
    reader.read(root);

    if (budget.exhausted()) {
        extraction.status = FileStatus::review;
        extraction.reason = TextBudget::exhausted_reason;
    } else if (reader.too_deep()) {
        extraction.status = FileStatus::review;
        extraction.reason = "HTML elements nested more than " + std::to_string(limits.max_xml_depth) +
                            " deep: the deepest part was not read";
    }
    return extraction;
}

}  // namespace iqts::host
