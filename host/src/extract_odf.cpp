#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>

#include "iqts/host/extract.hpp"
#include "iqts/host/ooxml_package.hpp"
#include "iqts/host/ooxml_sheet.hpp"
#include "iqts/host/ooxml_xml.hpp"
#include "iqts/host/zip_parts.hpp"

namespace iqts::host {

namespace {

using ooxml::max_sheet_columns;
using ooxml::max_sheet_rows;

// text:s may ask for any number of spaces; more than this is not layout.
constexpr std::uint64_t max_space_run = 1000;

std::uint64_t repeat_count(pugi::xml_node node, const char* attribute) {
    const auto count = node.attribute(attribute).as_ullong(1);
    return count == 0 ? 1 : count;
}

// The style properties the extractor needs, with inheritance resolved on use.
class StyleSheet {
public:
    void add_styles(pugi::xml_node container) {
        for (const pugi::xml_node style : container.children("style:style")) {
            Style& entry = styles_[style.attribute("style:name").value()];
            entry.parent = style.attribute("style:parent-style-name").value();
            if (const auto display = style.child("style:text-properties").attribute("text:display")) {
                entry.hidden = std::string_view(display.value()) == "none";
            }
            if (const auto display = style.child("style:table-properties").attribute("table:display")) {
                entry.hidden = std::string_view(display.value()) == "false";
            }
        }
    }

    // Returns whether the style, or the nearest ancestor that sets it, hides its content.
    bool is_hidden(std::string name) const {
        for (int level = 0; level < 32 && !name.empty(); ++level) {
            const auto found = styles_.find(name);
            if (found == styles_.end()) return false;
            if (found->second.hidden) return *found->second.hidden;
            name = found->second.parent;
        }
        return false;
    }

private:
    struct Style {
        std::string parent;
        std::optional<bool> hidden;
    };
    std::map<std::string, Style, std::less<>> styles_;
};

// One paragraph read from an ODF body: its text, and the notes and text
// boxes found inside it, which become blocks of their own.
struct Paragraph {
    std::string text;
    std::vector<std::string> notes;
    std::vector<std::string> text_boxes;
    bool pending_space = false;  // whitespace seen and not yet written
};

// Reads ODF text content. Whitespace in character data collapses to one
// space, as the ODF specification defines; text:s, text:tab and
// text:line-break give explicit spaces, tabs and line breaks.
class TextReader {
public:
    TextReader(const StyleSheet& styles, Document& document, ooxml::TextBudget& text_budget,
               ooxml::CellBudget& cell_budget)
        : styles_(styles), document_(document), text_budget_(text_budget), cell_budget_(cell_budget) {}

    // Calls `paragraph_sink` for each visible paragraph or heading and
    // `table_sink` for each table, in document order.
    template <typename ParagraphSink, typename TableSink>
    void read_blocks(pugi::xml_node container, ParagraphSink&& paragraph_sink, TableSink&& table_sink) {
        for (const pugi::xml_node child : container.children()) {
            if (child.type() != pugi::node_element) continue;
            const std::string_view name = child.name();
            if (name == "text:p" || name == "text:h") {
                if (styles_.is_hidden(child.attribute("text:style-name").value())) continue;
                Paragraph paragraph;
                read_inline(child, paragraph);
                paragraph_sink(paragraph);
            } else if (name == "table:table") {
                table_sink(child);
            } else if (name == "text:section") {
                if (std::string_view(child.attribute("text:display").value()) == "none") continue;
                if (styles_.is_hidden(child.attribute("text:style-name").value())) continue;
                read_blocks(child, paragraph_sink, table_sink);
            } else if (name == "text:tracked-changes" || name == "office:annotation" || name == "text:note" ||
                       name == "office:forms" || name == "text:sequence-decls" || name == "text:variable-decls" ||
                       name == "svg:title" || name == "svg:desc" || name == "draw:page-thumbnail") {
                continue;  // deleted text, comments, declarations and alternative text are not body text
            } else {
                read_blocks(child, paragraph_sink, table_sink);
            }
        }
    }

    // Returns the text of the paragraphs under `container`, one per line.
    // Notes and text boxes inside follow their paragraph.
    std::string flatten(pugi::xml_node container) {
        std::string text;
        const auto add_line = [&](const std::string& line) {
            if (line.empty()) return;
            if (!text.empty()) text += '\n';
            text += line;
        };
        read_blocks(
            container,
            [&](Paragraph& paragraph) {
                add_line(paragraph.text);
                for (const auto& box : paragraph.text_boxes) add_line(box);
                for (const auto& note : paragraph.notes) add_line(note);
            },
            [&](pugi::xml_node table) {
                read_blocks(table, [&](Paragraph& paragraph) { add_line(paragraph.text); }, [](pugi::xml_node) {});
            });
        return text;
    }

    void emit(std::string text, const std::string& location) {
        if (text.empty()) return;
        text_budget_.spend(text.size());
        document_.blocks.push_back({std::move(text), location});
    }

    void settle_links(const std::string& location) { ooxml::settle_links(pending_links_, location, document_); }

    ooxml::TextBudget& text_budget() { return text_budget_; }
    ooxml::CellBudget& cell_budget() { return cell_budget_; }

private:
    void read_inline(pugi::xml_node container, Paragraph& paragraph) {
        read_inline_content(container, paragraph);
        while (!paragraph.text.empty() && paragraph.text.back() == ' ') paragraph.text.pop_back();
    }

    void append_text(std::string_view data, Paragraph& paragraph) {
        for (const char c : data) {
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                paragraph.pending_space = true;
                continue;
            }
            if (paragraph.pending_space && !paragraph.text.empty() && paragraph.text.back() != ' ') paragraph.text += ' ';
            paragraph.pending_space = false;
            paragraph.text += c;
        }
    }

    void append_literal(std::string_view literal, Paragraph& paragraph) {
        if (paragraph.pending_space && !paragraph.text.empty()) paragraph.text += ' ';
        paragraph.pending_space = false;
        paragraph.text += literal;
    }

    void read_inline_content(pugi::xml_node container, Paragraph& paragraph) {
        for (const pugi::xml_node child : container.children()) {
            if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
                append_text(child.value(), paragraph);
                continue;
            }
            if (child.type() != pugi::node_element) continue;

            const std::string_view name = child.name();
            if (name == "text:s") {
                // A pending collapsed space counts as the first of these, so an
                // edit that leaves "with <text:s/>" reads as one space, not two.
                const auto count = std::min(repeat_count(child, "text:c"), max_space_run);
                paragraph.pending_space = false;
                paragraph.text.append(count, ' ');
            } else if (name == "text:tab") {
                append_literal("\t", paragraph);
            } else if (name == "text:line-break") {
                append_literal("\n", paragraph);
            } else if (name == "text:span") {
                if (!styles_.is_hidden(child.attribute("text:style-name").value())) read_inline_content(child, paragraph);
            } else if (name == "text:a") {
                // A space still pending belongs before the link, not inside it.
                const std::size_t start = paragraph.text.size() + (paragraph.pending_space && !paragraph.text.empty());
                read_inline_content(child, paragraph);
                const std::string target = child.attribute("xlink:href").value();
                if (!target.empty()) {
                    pending_links_.push_back({paragraph.text.substr(std::min(start, paragraph.text.size())), target, ""});
                }
            } else if (name == "text:note") {
                std::string note = flatten(child.child("text:note-body"));
                if (!note.empty()) paragraph.notes.push_back(std::move(note));
            } else if (name == "text:ruby") {
                read_inline_content(child.child("text:ruby-base"), paragraph);
            } else if (name == "draw:frame" || name == "draw:custom-shape" || name == "draw:rect" ||
                       name == "draw:g") {
                std::string box = flatten(child);
                if (!box.empty()) paragraph.text_boxes.push_back(std::move(box));
            } else if (name == "office:annotation" || name == "office:annotation-end" || name == "text:change" ||
                       name == "text:change-start" || name == "text:change-end" || name == "text:bookmark" ||
                       name == "text:bookmark-start" || name == "text:bookmark-end" ||
                       name == "text:soft-page-break" || name == "text:reference-mark" ||
                       name == "text:reference-mark-start" || name == "text:reference-mark-end") {
                continue;  // markers and comments carry no body text
            } else {
                read_inline_content(child, paragraph);  // fields and metadata show their content
            }
        }
    }

    const StyleSheet& styles_;
    Document& document_;
    ooxml::TextBudget& text_budget_;
    ooxml::CellBudget& cell_budget_;
    std::vector<Hyperlink> pending_links_;
};

// Returns the typed value of a spreadsheet cell, from its office:value-type
// attributes, or the text of its paragraphs when it has no type.
Cell read_cell_value(pugi::xml_node cell_node, TextReader& reader) {
    Cell cell;
    const std::string_view type = cell_node.attribute("office:value-type").value();
    if (type == "float" || type == "percentage" || type == "currency") {
        const std::string value = cell_node.attribute("office:value").value();
        double number = 0;
        const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
        if (error == std::errc() && end == value.data() + value.size()) {
            cell.type = CellType::number;
            cell.number = number;
            cell.text = ooxml::number_text(number);
            return cell;
        }
    } else if (type == "date") {
        const std::string value = cell_node.attribute("office:date-value").value();
        double days = 0;
        if (ooxml::days_from_iso_date(value, days)) {
            cell.type = CellType::date;
            cell.number = days;
            cell.text = ooxml::iso_date_from_days(days);
            return cell;
        }
    } else if (type == "time") {
        // A duration such as PT10H10M10S stays text in ISO 8601 form.
        cell.type = CellType::text;
        cell.text = cell_node.attribute("office:time-value").value();
        if (!cell.text.empty()) return cell;
    } else if (type == "boolean") {
        const std::string_view value = cell_node.attribute("office:boolean-value").value();
        cell.type = CellType::boolean;
        cell.boolean = value == "true" || value == "1";
        cell.text = cell.boolean ? "TRUE" : "FALSE";
        return cell;
    }

    cell.text = reader.flatten(cell_node);
    if (cell.text.empty()) cell.text = cell_node.attribute("office:string-value").value();
    cell.type = cell.text.empty() && type.empty() ? CellType::empty : CellType::text;
    return cell;
}

// One run of cells in a row: a cell and how many times it repeats.
struct CellRun {
    std::uint64_t repeat = 1;
    bool covered = false;
    Cell cell;
    int columns_spanned = 1;
    int rows_spanned = 1;
};

// Reads one sheet without materialising repeated empty rows and cells:
// LibreOffice writes the unused rest of a sheet as one row or cell repeated
// up to a million times. Repeated cells with content count against the
// cell budget before they are copied.
class SheetReader {
public:
    SheetReader(const std::string& name, TextReader& reader)
        : builder_(name, reader.cell_budget()), reader_(reader) {}

    void read_rows(pugi::xml_node container) {
        for (const pugi::xml_node child : container.children()) {
            const std::string_view name = child.name();
            if (name == "table:table-row") {
                read_row(child);
            } else if (name == "table:table-header-rows" || name == "table:table-row-group" || name == "table:table-rows") {
                read_rows(child);
            }
        }
    }

    Table build() { return builder_.build(true); }

private:
    void read_row(pugi::xml_node row) {
        const std::uint64_t repeat = repeat_count(row, "table:number-rows-repeated");
        std::vector<CellRun> runs;
        std::uint64_t content_cells = 0;
        for (const pugi::xml_node cell_node : row.children()) {
            const std::string_view name = cell_node.name();
            if (name != "table:table-cell" && name != "table:covered-table-cell") continue;
            CellRun run;
            run.repeat = repeat_count(cell_node, "table:number-columns-repeated");
            run.covered = name == "table:covered-table-cell";
            if (!run.covered) {
                run.cell = read_cell_value(cell_node, reader_);
                run.columns_spanned = std::clamp(cell_node.attribute("table:number-columns-spanned").as_int(1), 1,
                                                 static_cast<int>(max_sheet_columns));
                run.rows_spanned = std::clamp(cell_node.attribute("table:number-rows-spanned").as_int(1), 1,
                                              static_cast<int>(max_sheet_rows));
            }
            if (run.cell.type != CellType::empty) {
                content_cells = saturating_add(content_cells, run.repeat);
                reader_.text_budget().spend(run.cell.text.size());
            }
            runs.push_back(std::move(run));
        }

        if (content_cells == 0) {
            next_row_ = saturating_add(next_row_, repeat);
            return;
        }
        if (repeat > max_sheet_rows || next_row_ > max_sheet_rows - repeat || content_cells > max_sheet_columns) {
            throw std::runtime_error("the sheet '" + builder_.name() + "' repeats cells with content beyond the " +
                                     "1,048,576 rows and 16,384 columns a sheet can have");
        }
        if (repeat * content_cells > reader_.cell_budget().remaining()) {
            reader_.cell_budget().spend(repeat * content_cells, builder_.name());
        }

        for (std::uint64_t copy = 0; copy < repeat; ++copy) {
            place_row(runs, static_cast<std::uint32_t>(next_row_ + copy));
        }
        next_row_ += repeat;
    }

    void place_row(const std::vector<CellRun>& runs, std::uint32_t row) {
        std::uint64_t column = 0;
        for (const auto& run : runs) {
            if (run.cell.type == CellType::empty) {
                column = saturating_add(column, run.repeat);
                continue;
            }
            if (column + run.repeat > max_sheet_columns) {
                throw std::runtime_error("the sheet '" + builder_.name() +
                                         "' has cells with content beyond the 16,384 columns a sheet can have");
            }
            for (std::uint64_t copy = 0; copy < run.repeat; ++copy) {
                const auto at = static_cast<std::uint32_t>(column + copy);
                builder_.add(row, at, run.cell);
                if (run.columns_spanned > 1 || run.rows_spanned > 1) {
                    builder_.merge({static_cast<int>(row), static_cast<int>(at),
                                    static_cast<int>(row) + run.rows_spanned - 1,
                                    static_cast<int>(at) + run.columns_spanned - 1});
                }
            }
            column += run.repeat;
        }
    }

    static std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
        return a > UINT64_MAX - b ? UINT64_MAX : a + b;
    }

    ooxml::SheetBuilder builder_;
    TextReader& reader_;
    std::uint64_t next_row_ = 0;
};

// Reads a table of a text document or presentation: rows and cells in
// order, repeated cells copied up to the sheet size.
Table read_text_table(pugi::xml_node table_node, const std::string& name, TextReader& reader) {
    SheetReader sheet(name, reader);
    sheet.read_rows(table_node);
    Table table = sheet.build();
    table.is_sheet = false;
    return table;
}

bool is_encrypted(const ZipParts& parts, int max_depth) {
    const std::string& manifest = parts.get("META-INF/manifest.xml");
    if (manifest.empty()) return false;
    const pugi::xml_document xml = ooxml::parse_part(manifest, "META-INF/manifest.xml", max_depth);
    for (const pugi::xml_node entry : xml.child("manifest:manifest").children("manifest:file-entry")) {
        if (entry.child("manifest:encryption-data")) return true;
    }
    return false;
}

void read_meta(const ZipParts& parts, Document& document, int max_depth) {
    const std::string& bytes = parts.get("meta.xml");
    if (bytes.empty()) return;
    const pugi::xml_document xml = ooxml::parse_part(bytes, "meta.xml", max_depth);
    const pugi::xml_node meta = xml.child("office:document-meta").child("office:meta");
    document.title = ooxml::own_text(meta.child("dc:title"));
    document.created = ooxml::own_text(meta.child("meta:creation-date"));
    document.modified = ooxml::own_text(meta.child("dc:date"));
}

void read_text_body(pugi::xml_node body, TextReader& reader, Document& document) {
    int paragraph_number = 0;
    int note_number = 0;
    int text_box_number = 0;
    reader.read_blocks(
        body,
        [&](Paragraph& paragraph) {
            const std::string location = "paragraph " + std::to_string(++paragraph_number);
            reader.emit(std::move(paragraph.text), location);
            reader.settle_links(location);
            for (auto& box : paragraph.text_boxes) reader.emit(std::move(box), "text box " + std::to_string(++text_box_number));
            for (auto& note : paragraph.notes) reader.emit(std::move(note), "note " + std::to_string(++note_number));
        },
        [&](pugi::xml_node table) {
            const std::string name = "table " + std::to_string(document.tables.size() + 1);
            document.tables.push_back(read_text_table(table, name, reader));
            reader.settle_links(name);
        });
}

void read_spreadsheet_body(pugi::xml_node body, const StyleSheet& styles, TextReader& reader, Document& document) {
    for (const pugi::xml_node sheet : body.children("table:table")) {
        SheetReader sheet_reader(sheet.attribute("table:name").value(), reader);
        sheet_reader.read_rows(sheet);
        Table table = sheet_reader.build();
        table.hidden = styles.is_hidden(sheet.attribute("table:style-name").value());
        reader.settle_links(table.name);
        document.tables.push_back(std::move(table));
    }
}

void read_presentation_body(pugi::xml_node body, TextReader& reader, Document& document) {
    int slide_number = 0;
    for (const pugi::xml_node page : body.children("draw:page")) {
        const std::string location = "slide " + std::to_string(++slide_number);
        std::string slide_text;
        std::string notes_text;
        int table_number = 0;
        for (const pugi::xml_node child : page.children()) {
            if (std::string_view(child.name()) == "presentation:notes") {
                notes_text = reader.flatten(child);
                continue;
            }
            reader.read_blocks(
                child,
                [&](Paragraph& paragraph) {
                    if (paragraph.text.empty()) return;
                    if (!slide_text.empty()) slide_text += '\n';
                    slide_text += paragraph.text;
                },
                [&](pugi::xml_node table) {
                    const std::string name = location + " table " + std::to_string(++table_number);
                    document.tables.push_back(read_text_table(table, name, reader));
                });
        }
        reader.emit(std::move(slide_text), location);
        reader.settle_links(location);
        reader.emit(std::move(notes_text), location + " notes");
    }
}

}  // namespace

Extraction extract_odf(const std::string& path, std::string_view bytes, const ExtractLimits& limits) {
    const ZipParts parts(bytes, ooxml::max_part_bytes(limits));
    const int max_depth = limits.max_xml_depth;

    Extraction extraction;
    Document& document = extraction.document;
    document.path = path;
    if (is_encrypted(parts, max_depth)) {
        extraction.status = FileStatus::unreadable;
        extraction.reason = "password-protected";
        return extraction;
    }

    const std::string& content = parts.get("content.xml");
    if (content.empty()) throw std::runtime_error("the OpenDocument package has no content.xml part");
    const pugi::xml_document xml = ooxml::parse_part(content, "content.xml", max_depth);
    const pugi::xml_node root = xml.child("office:document-content");

    StyleSheet styles;
    if (const std::string& style_bytes = parts.get("styles.xml"); !style_bytes.empty()) {
        const pugi::xml_document style_xml = ooxml::parse_part(style_bytes, "styles.xml", max_depth);
        styles.add_styles(style_xml.child("office:document-styles").child("office:styles"));
        styles.add_styles(style_xml.child("office:document-styles").child("office:automatic-styles"));
    }
    styles.add_styles(root.child("office:automatic-styles"));
    read_meta(parts, document, max_depth);

    ooxml::TextBudget text_budget(limits.max_text_bytes);
    ooxml::CellBudget cell_budget(limits.max_cells);
    TextReader reader(styles, document, text_budget, cell_budget);
    const pugi::xml_node body = root.child("office:body");
    if (const auto text = body.child("office:text")) {
        document.kind = "odt";
        read_text_body(text, reader, document);
    } else if (const auto spreadsheet = body.child("office:spreadsheet")) {
        document.kind = "ods";
        read_spreadsheet_body(spreadsheet, styles, reader, document);
    } else if (const auto presentation = body.child("office:presentation")) {
        document.kind = "odp";
        read_presentation_body(presentation, reader, document);
    } else {
        throw std::runtime_error("content.xml holds no text, spreadsheet or presentation body");
    }
    return extraction;
}

}  // namespace iqts::host
