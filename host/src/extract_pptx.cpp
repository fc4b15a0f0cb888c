#include <algorithm>
#include <stdexcept>

#include "iqts/host/extract.hpp"
#include "iqts/host/ooxml_package.hpp"
#include "iqts/host/ooxml_xml.hpp"
#include "iqts/host/zip_parts.hpp"

namespace iqts::host {

namespace {

// A slide table wider or longer than this is damaged, not made by a person.
constexpr int max_table_span = 1000;

// Placeholders on a notes page that repeat the slide or page furniture
// rather than holding the speaker's notes.
bool is_furniture_placeholder(std::string_view type) {
    return type == "sldImg" || type == "sldNum" || type == "hdr" || type == "ftr" || type == "dt";
}

// Reads the text of one slide or notes page in shape-tree order. SmartArt
// text is read from the diagram's data part only: the drawing part that
// PowerPoint adds repeats the same text and is not read.
class SlideReader {
public:
    SlideReader(const ZipParts& parts, const std::string& part_name, std::string location, Document& document,
                ooxml::TextBudget& text_budget, ooxml::CellBudget& cell_budget, int max_depth)
        : parts_(parts),
          relationships_(ooxml::read_relationships(parts, part_name, max_depth)),
          location_(std::move(location)),
          document_(document),
          text_budget_(text_budget),
          cell_budget_(cell_budget),
          max_depth_(max_depth) {}

    void read(pugi::xml_node shape_tree) { read_shapes(shape_tree); }

    // Emits the collected lines as one block at the reader's location.
    void emit() {
        std::string text;
        for (const auto& line : lines_) {
            if (!text.empty()) text += '\n';
            text += line;
        }
        if (!ooxml::is_blank(text)) {
            text_budget_.spend(text.size());
            document_.blocks.push_back({std::move(text), location_});
        }
        ooxml::settle_links(links_, location_, document_);
    }

private:
    void read_shapes(pugi::xml_node tree) {
        for (const pugi::xml_node shape : tree.children()) {
            const std::string_view name = shape.name();
            if (name == "p:sp") {
                const std::string_view placeholder =
                    shape.child("p:nvSpPr").child("p:nvPr").child("p:ph").attribute("type").value();
                if (is_furniture_placeholder(placeholder)) continue;
                read_text_body(shape.child("p:txBody"));
            } else if (name == "p:grpSp") {
                read_shapes(shape);
            } else if (name == "p:graphicFrame") {
                read_graphic(shape.child("a:graphic").child("a:graphicData"));
            } else if (name == "mc:AlternateContent") {
                read_shapes(ooxml::chosen_branch(shape));
            }
        }
    }

    void read_text_body(pugi::xml_node body) {
        for (const pugi::xml_node paragraph : body.children("a:p")) {
            std::string text = paragraph_text(paragraph);
            if (!ooxml::is_blank(text)) lines_.push_back(std::move(text));
        }
    }

    std::string paragraph_text(pugi::xml_node paragraph) {
        std::string text;
        for (const pugi::xml_node child : paragraph.children()) {
            const std::string_view name = child.name();
            if (name == "a:br") {
                text += '\n';
            } else if (name == "a:fld" && std::string_view(child.attribute("type").value()) == "slidenum") {
                continue;  // the slide number is page furniture, not content
            } else if (name == "a:r" || name == "a:fld") {
                const std::string run = ooxml::own_text(child.child("a:t"));
                text += run;
                const char* id = child.child("a:rPr").child("a:hlinkClick").attribute("r:id").value();
                if (const auto* relationship = ooxml::find_relationship(relationships_, id); relationship && *id) {
                    links_.push_back({run, relationship->target, ""});
                }
            }
        }
        return text;
    }

    void read_graphic(pugi::xml_node data) {
        if (const auto table = data.child("a:tbl")) {
            const std::string name = location_ + " table " + std::to_string(++table_number_);
            document_.tables.push_back(read_table(table, name));
            return;
        }
        if (const auto diagram = data.child("dgm:relIds")) {
            read_diagram(diagram.attribute("r:dm").value());
            return;
        }
        if (const auto alternate = data.child("mc:AlternateContent")) read_shapes(ooxml::chosen_branch(alternate));
    }

    // Reads the text of a table; cells continuing a merge (hMerge, vMerge)
    // stay empty inside the merged range so columns keep their places.
    Table read_table(pugi::xml_node table_node, const std::string& name) {
        Table table;
        table.name = name;
        for (const pugi::xml_node row_node : table_node.children("a:tr")) {
            const int row_index = static_cast<int>(table.rows.size());
            std::vector<Cell> row;
            for (const pugi::xml_node cell_node : row_node.children("a:tc")) {
                const int column = static_cast<int>(row.size());
                Cell cell;
                const bool continues = cell_node.attribute("hMerge").as_bool() || cell_node.attribute("vMerge").as_bool();
                if (!continues) {
                    std::vector<std::string> saved;
                    saved.swap(lines_);
                    read_text_body(cell_node.child("a:txBody"));
                    for (const auto& line : lines_) {
                        if (!cell.text.empty()) cell.text += '\n';
                        cell.text += line;
                    }
                    lines_.swap(saved);
                    if (!cell.text.empty()) cell.type = CellType::text;
                    text_budget_.spend(cell.text.size());

                    const int columns = std::clamp(cell_node.attribute("gridSpan").as_int(1), 1, max_table_span);
                    const int rows = std::clamp(cell_node.attribute("rowSpan").as_int(1), 1, max_table_span);
                    if (columns > 1 || rows > 1) {
                        table.merges.push_back({row_index, column, row_index + rows - 1, column + columns - 1});
                    }
                }
                row.push_back(std::move(cell));
            }
            cell_budget_.spend(row.size() + 1, name);
            table.rows.push_back(std::move(row));
        }
        return table;
    }

    void read_diagram(const char* data_id) {
        const auto* relationship = ooxml::find_relationship(relationships_, data_id);
        if (!relationship || relationship->external) return;
        const std::string& bytes = parts_.get(relationship->target);
        if (bytes.empty()) return;

        // Points of type "node" (the default) hold the text a person typed;
        // transitions and presentation points hold none.
        const pugi::xml_document xml = ooxml::parse_part(bytes, relationship->target, max_depth_);
        for (const pugi::xml_node point : xml.child("dgm:dataModel").child("dgm:ptLst").children("dgm:pt")) {
            const std::string_view type = point.attribute("type").value();
            if (!type.empty() && type != "node") continue;
            read_text_body(point.child("dgm:t"));
        }
    }

    const ZipParts& parts_;
    std::vector<ooxml::Relationship> relationships_;
    std::string location_;
    Document& document_;
    ooxml::TextBudget& text_budget_;
    ooxml::CellBudget& cell_budget_;
    int max_depth_;
    std::vector<std::string> lines_;
    std::vector<Hyperlink> links_;
    int table_number_ = 0;
};

void read_page(const ZipParts& parts, const std::string& part_name, const std::string& location, Document& document,
               ooxml::TextBudget& text_budget, ooxml::CellBudget& cell_budget, int max_depth) {
    const std::string& bytes = parts.get(part_name);
    if (bytes.empty()) return;
    const pugi::xml_document xml = ooxml::parse_part(bytes, part_name, max_depth);
    SlideReader reader(parts, part_name, location, document, text_budget, cell_budget, max_depth);
    reader.read(xml.first_child().child("p:cSld").child("p:spTree"));
    reader.emit();
}

}  // namespace

Extraction extract_pptx(const std::string& path, std::string_view bytes, const ExtractLimits& limits) {
    const ZipParts parts(bytes, ooxml::max_part_bytes(limits));
    const int max_depth = limits.max_xml_depth;

    Extraction extraction;
    Document& document = extraction.document;
    document.path = path;
    document.kind = "pptx";
    ooxml::read_core_properties(parts, document, max_depth);

    const std::string main_part = ooxml::find_main_part(parts, "ppt/presentation.xml", max_depth);
    const auto relationships = ooxml::read_relationships(parts, main_part, max_depth);
    const pugi::xml_document xml = ooxml::parse_part(parts.get(main_part), main_part, max_depth);

    ooxml::TextBudget text_budget(limits.max_text_bytes);
    ooxml::CellBudget cell_budget(limits.max_cells);
    int slide_number = 0;
    for (const pugi::xml_node id : xml.child("p:presentation").child("p:sldIdLst").children("p:sldId")) {
        const auto* slide = ooxml::find_relationship(relationships, id.attribute("r:id").value());
        if (!slide || slide->external) continue;
        const std::string location = "slide " + std::to_string(++slide_number);
        read_page(parts, slide->target, location, document, text_budget, cell_budget, max_depth);

        const auto slide_relationships = ooxml::read_relationships(parts, slide->target, max_depth);
        if (const auto* notes = ooxml::find_relationship_of_kind(slide_relationships, "notesSlide")) {
            read_page(parts, notes->target, location + " notes", document, text_budget, cell_budget, max_depth);
        }
    }
    return extraction;
}

}  // namespace iqts::host
