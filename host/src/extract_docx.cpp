#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include "iqts/host/extract.hpp"
#include "iqts/host/ooxml_fields.hpp"
#include "iqts/host/ooxml_package.hpp"
#include "iqts/host/ooxml_sheet.hpp"
#include "iqts/host/ooxml_xml.hpp"
#include "iqts/host/zip_parts.hpp"

namespace iqts::host {

namespace {

// A Word table wider than this is damaged, not written by a person.
constexpr int max_grid_span = 1000;

// Calls `visit` for each w:p and w:tbl in `container`, looking through the
// wrappers that may surround them (content controls, custom XML, markup
// compatibility branches, tracked insertions).
template <typename Visit>
void visit_blocks(pugi::xml_node container, Visit&& visit) {
    for (const pugi::xml_node child : container.children()) {
        const std::string_view name = child.name();
        if (name == "w:p" || name == "w:tbl") {
            visit(child);
        } else if (name == "w:sdt") {
            visit_blocks(child.child("w:sdtContent"), visit);
        } else if (name == "w:customXml" || name == "w:ins" || name == "w:moveTo") {
            visit_blocks(child, visit);
        } else if (name == "mc:AlternateContent") {
            visit_blocks(ooxml::chosen_branch(child), visit);
        }
    }
}

// Calls `visit` for each element named `element_name` among the children of
// `container`, looking through content controls and custom XML.
template <typename Visit>
void visit_children_named(pugi::xml_node container, std::string_view element_name, Visit&& visit) {
    for (const pugi::xml_node child : container.children()) {
        const std::string_view name = child.name();
        if (name == element_name) {
            visit(child);
        } else if (name == "w:sdt") {
            visit_children_named(child.child("w:sdtContent"), element_name, visit);
        } else if (name == "w:customXml" || name == "w:ins" || name == "w:moveTo") {
            visit_children_named(child, element_name, visit);
        }
    }
}

struct Paragraph {
    std::uint64_t serial = 0;  // identifies the paragraph, for fields that span several
    std::string text;
    std::vector<std::string> text_boxes;
};

// An open complex field (w:fldChar begin ... separate ... end).
struct OpenField {
    std::string instruction;
    std::size_t result_start = std::string::npos;  // offset in the paragraph text after "separate"
    std::uint64_t paragraph = 0;  // serial of the paragraph holding the result start
};

// Reads the stories of one WordprocessingML part (body, header, note) in
// the accepted view of tracked changes: insertions and move targets are
// kept, deletions and move sources dropped.
class StoryReader {
public:
    StoryReader(const std::vector<ooxml::Relationship>& relationships, Document& document,
                ooxml::TextBudget& text_budget, ooxml::CellBudget& cell_budget)
        : relationships_(relationships), document_(document), text_budget_(text_budget), cell_budget_(cell_budget) {}

    // Emits each paragraph of the body as a block "paragraph N", each table
    // as "table N" and each text box as "text box N".
    void read_body(pugi::xml_node body) {
        int paragraph_number = 0;
        visit_blocks(body, [&](pugi::xml_node block) {
            if (std::string_view(block.name()) == "w:tbl") {
                const std::string name = "table " + std::to_string(document_.tables.size() + 1);
                document_.tables.push_back(read_table(block, name));
                settle_links(name);
                return;
            }

            Paragraph paragraph;
            paragraph.serial = ++paragraph_serial_;
            read_inline(block, paragraph);
            const std::string location = "paragraph " + std::to_string(++paragraph_number);
            emit(std::move(paragraph.text), location);
            settle_links(location);
            for (auto& text_box : paragraph.text_boxes) {
                emit(std::move(text_box), "text box " + std::to_string(++text_box_number_));
            }
        });
    }

    // Emits the whole story in `container` as one block at `location`.
    void read_story(pugi::xml_node container, const std::string& location) {
        emit(flatten(container), location);
        settle_links(location);
    }

private:
    void emit(std::string text, const std::string& location) {
        if (ooxml::is_blank(text)) return;
        // Word puts a tab after a note's reference mark; edge whitespace is layout.
        text.erase(0, text.find_first_not_of(" \t\r\n"));
        text.erase(text.find_last_not_of(" \t\r\n") + 1);
        text_budget_.spend(text.size());
        document_.blocks.push_back({std::move(text), location});
    }

    void settle_links(const std::string& location) { ooxml::settle_links(pending_links_, location, document_); }

    // Returns the text of block content, paragraphs and table rows on
    // separate lines, cells separated by tabs, text boxes after their paragraph.
    std::string flatten(pugi::xml_node container) {
        std::string text;
        const auto add_line = [&](const std::string& line) {
            if (ooxml::is_blank(line)) return;
            if (!text.empty()) text += '\n';
            text += line;
        };
        visit_blocks(container, [&](pugi::xml_node block) {
            if (std::string_view(block.name()) == "w:tbl") {
                add_line(flatten_table(block));
                return;
            }
            Paragraph paragraph;
            paragraph.serial = ++paragraph_serial_;
            read_inline(block, paragraph);
            add_line(paragraph.text);
            for (const auto& text_box : paragraph.text_boxes) add_line(text_box);
        });
        return text;
    }

    std::string flatten_table(pugi::xml_node table) {
        std::string text;
        visit_children_named(table, "w:tr", [&](pugi::xml_node row) {
            std::string line;
            bool first = true;
            visit_children_named(row, "w:tc", [&](pugi::xml_node cell) {
                if (!first) line += '\t';
                first = false;
                line += flatten(cell);
            });
            if (!text.empty()) text += '\n';
            text += line;
        });
        return text;
    }

    // Reads a table into grid columns: a cell spanning columns (w:gridSpan)
    // fills the first with its text and the rest with empty cells, and a
    // vertical merge continuation (w:vMerge) is an empty cell inside the
    // merged range of the cell above, so columns stay aligned.
    Table read_table(pugi::xml_node table_node, const std::string& name) {
        Table table;
        table.name = name;
        std::vector<int> open_vertical;  // per grid column: index into table.merges, or -1

        visit_children_named(table_node, "w:tr", [&](pugi::xml_node row_node) {
            const int row_index = static_cast<int>(table.rows.size());
            std::vector<Cell> row;
            const int skipped = row_node.child("w:trPr").child("w:gridBefore").attribute("w:val").as_int(0);
            for (int i = 0; i < std::clamp(skipped, 0, max_grid_span); ++i) row.emplace_back();

            visit_children_named(row_node, "w:tc", [&](pugi::xml_node cell_node) {
                const int column = static_cast<int>(row.size());
                if (column >= max_grid_span) return;
                const pugi::xml_node properties = cell_node.child("w:tcPr");
                const int span = std::clamp(properties.child("w:gridSpan").attribute("w:val").as_int(1), 1,
                                            max_grid_span - column);
                const pugi::xml_node vertical = properties.child("w:vMerge");
                const std::string_view vertical_value = vertical.attribute("w:val").value();
                const bool continues = vertical && vertical_value != "restart";
                if (open_vertical.size() < static_cast<std::size_t>(column + span)) {
                    open_vertical.resize(static_cast<std::size_t>(column + span), -1);
                }

                Cell cell;
                if (continues) {
                    if (const int merge = open_vertical[column]; merge >= 0) table.merges[merge].last_row = row_index;
                } else {
                    cell.text = flatten(cell_node);
                    if (!cell.text.empty()) cell.type = CellType::text;
                    text_budget_.spend(cell.text.size());
                    open_vertical[column] = -1;
                    if (vertical || span > 1) {
                        table.merges.push_back({row_index, column, row_index, column + span - 1});
                        if (vertical) open_vertical[column] = static_cast<int>(table.merges.size() - 1);
                    }
                }
                row.push_back(std::move(cell));
                for (int i = 1; i < span; ++i) row.emplace_back();
            });

            cell_budget_.spend(row.size() + 1, name);
            table.rows.push_back(std::move(row));
        });

        // A vertical merge that was never continued covers one cell only.
        std::erase_if(table.merges, [](const MergedRange& range) {
            return range.first_row == range.last_row && range.first_column == range.last_column;
        });
        return table;
    }

    void read_inline(pugi::xml_node container, Paragraph& paragraph) {
        for (const pugi::xml_node child : container.children()) {
            const std::string_view name = child.name();
            if (name == "w:r") {
                read_run(child, paragraph);
            } else if (name == "w:hyperlink") {
                const std::size_t start = paragraph.text.size();
                read_inline(child, paragraph);
                std::string target;
                if (const auto* relationship = ooxml::find_relationship(relationships_, child.attribute("r:id").value())) {
                    target = relationship->target;
                }
                if (const std::string anchor = child.attribute("w:anchor").value(); !anchor.empty()) {
                    target += "#" + anchor;
                }
                if (!target.empty()) pending_links_.push_back({paragraph.text.substr(start), target, ""});
            } else if (name == "w:fldSimple") {
                const std::size_t start = paragraph.text.size();
                read_inline(child, paragraph);
                const std::string target = ooxml::hyperlink_field_target(child.attribute("w:instr").value());
                if (!target.empty()) pending_links_.push_back({paragraph.text.substr(start), target, ""});
            } else if (name == "w:sdt") {
                read_inline(child.child("w:sdtContent"), paragraph);
            } else if (name == "w:ins" || name == "w:moveTo" || name == "w:smartTag" || name == "w:customXml" ||
                       name == "w:dir" || name == "w:bdo") {
                read_inline(child, paragraph);
            } else if (name == "mc:AlternateContent") {
                read_inline(ooxml::chosen_branch(child), paragraph);
            }
            // w:del and w:moveFrom hold text the accepted view drops; w:pPr holds no text.
        }
    }

    void read_run(pugi::xml_node run, Paragraph& paragraph) {
        for (const pugi::xml_node child : run.children()) {
            const std::string_view name = child.name();
            if (name == "w:t") {
                paragraph.text += ooxml::own_text(child);
            } else if (name == "w:tab" || name == "w:ptab") {
                paragraph.text += '\t';
            } else if (name == "w:br" || name == "w:cr") {
                paragraph.text += '\n';
            } else if (name == "w:noBreakHyphen") {
                paragraph.text += '-';
            } else if (name == "w:instrText") {
                if (!open_fields_.empty()) open_fields_.back().instruction += ooxml::own_text(child);
            } else if (name == "w:fldChar") {
                read_field_character(child, paragraph);
            } else if (name == "w:ruby") {
                read_inline(child.child("w:rubyBase"), paragraph);
            } else if (name == "mc:AlternateContent") {
                collect_text_boxes(ooxml::chosen_branch(child), paragraph);
            } else if (name == "w:drawing" || name == "w:pict" || name == "w:object") {
                collect_text_boxes(child, paragraph);
            }
        }
    }

    // Tracks complex fields so the instruction text never reaches the
    // output and a HYPERLINK field's result becomes a link.
    void read_field_character(pugi::xml_node field_character, Paragraph& paragraph) {
        const std::string_view type = field_character.attribute("w:fldCharType").value();
        if (type == "begin") {
            open_fields_.push_back({"", std::string::npos, paragraph.serial});
        } else if (type == "separate" && !open_fields_.empty()) {
            open_fields_.back().result_start = paragraph.text.size();
            open_fields_.back().paragraph = paragraph.serial;
        } else if (type == "end" && !open_fields_.empty()) {
            const OpenField field = open_fields_.back();
            open_fields_.pop_back();
            const std::string target = ooxml::hyperlink_field_target(field.instruction);
            const bool same_paragraph = field.paragraph == paragraph.serial && field.result_start <= paragraph.text.size();
            if (!target.empty() && field.result_start != std::string::npos && same_paragraph) {
                pending_links_.push_back({paragraph.text.substr(field.result_start), target, ""});
            }
        }
    }

    void collect_text_boxes(pugi::xml_node node, Paragraph& paragraph) {
        for (const pugi::xml_node child : node.children()) {
            const std::string_view name = child.name();
            if (name == "w:txbxContent") {
                std::string text = flatten(child);
                if (!ooxml::is_blank(text)) paragraph.text_boxes.push_back(std::move(text));
            } else if (name == "mc:AlternateContent") {
                collect_text_boxes(ooxml::chosen_branch(child), paragraph);
            } else if (child.type() == pugi::node_element) {
                collect_text_boxes(child, paragraph);
            }
        }
    }

    const std::vector<ooxml::Relationship>& relationships_;
    Document& document_;
    ooxml::TextBudget& text_budget_;
    ooxml::CellBudget& cell_budget_;
    std::vector<Hyperlink> pending_links_;
    std::vector<OpenField> open_fields_;
    int text_box_number_ = 0;
    std::uint64_t paragraph_serial_ = 0;
};

// Orders part names so that "header2.xml" comes before "header10.xml".
bool natural_less(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) {
        const auto stem = [](const std::string& name) { return name.substr(0, name.find_first_of("0123456789")); };
        if (stem(a) == stem(b)) return a.size() < b.size();
    }
    return a < b;
}

// Returns the internal targets of the relationships of `kind`, in natural order.
std::vector<std::string> targets_of_kind(const std::vector<ooxml::Relationship>& relationships, std::string_view kind) {
    std::vector<std::string> targets;
    for (const auto& relationship : relationships) {
        if (!relationship.external && relationship.is(kind) &&
            std::find(targets.begin(), targets.end(), relationship.target) == targets.end()) {
            targets.push_back(relationship.target);
        }
    }
    std::sort(targets.begin(), targets.end(), natural_less);
    return targets;
}

// Emits each header or footer part as one block "header N" / "footer N".
void read_header_parts(const ZipParts& parts, const std::vector<ooxml::Relationship>& document_relationships,
                       std::string_view kind, Document& document, ooxml::TextBudget& text_budget,
                       ooxml::CellBudget& cell_budget, int max_depth) {
    int number = 0;
    for (const auto& part_name : targets_of_kind(document_relationships, kind)) {
        const std::string& bytes = parts.get(part_name);
        if (bytes.empty()) continue;
        const pugi::xml_document xml = ooxml::parse_part(bytes, part_name, max_depth);
        const auto relationships = ooxml::read_relationships(parts, part_name, max_depth);
        StoryReader reader(relationships, document, text_budget, cell_budget);
        reader.read_story(xml.first_child(), std::string(kind) + " " + std::to_string(++number));
    }
}

// Emits each footnote, endnote or comment as one block "footnote N",
// "endnote N" or "comment N". Separator notes hold no text and are skipped.
void read_note_part(const ZipParts& parts, const std::vector<ooxml::Relationship>& document_relationships,
                    std::string_view kind, std::string_view element, std::string_view label, Document& document,
                    ooxml::TextBudget& text_budget, ooxml::CellBudget& cell_budget, int max_depth) {
    const auto* relationship = ooxml::find_relationship_of_kind(document_relationships, kind);
    if (!relationship) return;
    const std::string& bytes = parts.get(relationship->target);
    if (bytes.empty()) return;

    const pugi::xml_document xml = ooxml::parse_part(bytes, relationship->target, max_depth);
    const auto relationships = ooxml::read_relationships(parts, relationship->target, max_depth);
    StoryReader reader(relationships, document, text_budget, cell_budget);
    // The range keeps only a pointer to the name, so the name must outlive the
    // loop: a temporary std::string in the range expression dies before the
    // first iteration.
    const std::string element_name(element);
    int number = 0;
    for (const pugi::xml_node note : xml.first_child().children(element_name.c_str())) {
        const std::string_view type = note.attribute("w:type").value();
        if (!type.empty() && type != "normal") continue;
        reader.read_story(note, std::string(label) + " " + std::to_string(++number));
    }
}

}  // namespace

Extraction extract_docx(const std::string& path, std::string_view bytes, const ExtractLimits& limits) {
    const ZipParts parts(bytes, ooxml::max_part_bytes(limits));
    const int max_depth = limits.max_xml_depth;

    Extraction extraction;
    Document& document = extraction.document;
    document.path = path;
    document.kind = "docx";
    ooxml::read_core_properties(parts, document, max_depth);

    const std::string main_part = ooxml::find_main_part(parts, "word/document.xml", max_depth);
    const auto relationships = ooxml::read_relationships(parts, main_part, max_depth);
    const pugi::xml_document xml = ooxml::parse_part(parts.get(main_part), main_part, max_depth);
    const pugi::xml_node body = xml.child("w:document").child("w:body");
    if (!body) {
        throw std::runtime_error("the part '" + main_part + "' is not a Word document body (no w:document/w:body)");
    }

    ooxml::TextBudget text_budget(limits.max_text_bytes);
    ooxml::CellBudget cell_budget(limits.max_cells);
    StoryReader(relationships, document, text_budget, cell_budget).read_body(body);

    read_header_parts(parts, relationships, "header", document, text_budget, cell_budget, max_depth);
    read_header_parts(parts, relationships, "footer", document, text_budget, cell_budget, max_depth);
    read_note_part(parts, relationships, "footnotes", "w:footnote", "footnote", document, text_budget, cell_budget,
                   max_depth);
    read_note_part(parts, relationships, "endnotes", "w:endnote", "endnote", document, text_budget, cell_budget,
                   max_depth);
    read_note_part(parts, relationships, "comments", "w:comment", "comment", document, text_budget, cell_budget,
                   max_depth);
    return extraction;
}

}  // namespace iqts::host
