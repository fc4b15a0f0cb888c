#include "iqts/host/document_codec.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>

#include <Poco/Checksum.h>

#include "byte_codec.hpp"

namespace iqts::host {
namespace {

constexpr char magic[4] = {'I', 'Q', 'X', 'D'};

std::uint32_t crc32_of(std::string_view bytes) {
    Poco::Checksum checksum(Poco::Checksum::TYPE_CRC32);
    // Poco takes an unsigned length, so a large payload goes in slices.
    constexpr std::size_t slice = 1u << 30;
    for (std::size_t offset = 0; offset < bytes.size(); offset += slice) {
        const auto length = std::min(slice, bytes.size() - offset);
        checksum.update(bytes.data() + offset, static_cast<unsigned>(length));
    }
    return checksum.checksum();
}

// ---- Encoding

using Writer = ByteWriter;

// Bits of the flags byte that follows a cell's type.
constexpr std::uint8_t cell_has_number = 1;
constexpr std::uint8_t cell_boolean_true = 2;

void encode_table(Writer& writer, const Table& table) {
    writer.string(table.name);
    writer.u8(table.is_sheet ? 1 : 0);
    writer.u8(table.hidden ? 1 : 0);
    writer.i32(table.first_row);
    writer.i32(table.first_column);
    writer.count(table.rows.size());
    for (const auto& row : table.rows) {
        writer.count(row.size());
        for (const auto& cell : row) {
            // The number is written only when it is not +0.0, which keeps
            // text cells short and still round-trips every value exactly.
            const bool has_number = std::bit_cast<std::uint64_t>(cell.number) != 0;
            writer.u8(static_cast<std::uint8_t>(cell.type));
            writer.u8(static_cast<std::uint8_t>((has_number ? cell_has_number : 0) |
                                                (cell.boolean ? cell_boolean_true : 0)));
            writer.string(cell.text);
            if (has_number) writer.f64(cell.number);
        }
    }
    writer.count(table.merges.size());
    for (const auto& merge : table.merges) {
        writer.i32(merge.first_row);
        writer.i32(merge.first_column);
        writer.i32(merge.last_row);
        writer.i32(merge.last_column);
    }
}

void encode_document(Writer& writer, const Document& document) {
    writer.string(document.path);
    writer.string(document.kind);
    writer.string(document.title);
    writer.string(document.created);
    writer.string(document.modified);
    writer.count(document.blocks.size());
    for (const auto& block : document.blocks) {
        writer.string(block.text);
        writer.string(block.location);
    }
    writer.count(document.tables.size());
    for (const auto& table : document.tables) encode_table(writer, table);
    writer.count(document.links.size());
    for (const auto& link : document.links) {
        writer.string(link.text);
        writer.string(link.target);
        writer.string(link.location);
    }
}

// ---- Decoding

using Reader = ByteReader;

bool flag(Reader& reader, const char* what) {
    const auto value = reader.u8(what);
    if (value > 1) reader.fail(std::string(what) + " is " + std::to_string(value) + ", not 0 or 1");
    return value == 1;
}

Table decode_table(Reader& reader) {
    Table table;
    table.name = reader.string("table name");
    table.is_sheet = flag(reader, "table is_sheet flag");
    table.hidden = flag(reader, "table hidden flag");
    table.first_row = reader.i32("table first row");
    table.first_column = reader.i32("table first column");
    table.rows.resize(reader.count("table rows"));
    for (auto& row : table.rows) {
        row.resize(reader.count("row cells"));
        for (auto& cell : row) {
            const auto type = reader.u8("cell type");
            if (type > static_cast<std::uint8_t>(CellType::boolean)) {
                reader.fail("cell type " + std::to_string(type) + " is unknown");
            }
            const auto flags = reader.u8("cell flags");
            if ((flags & ~(cell_has_number | cell_boolean_true)) != 0) {
                reader.fail("cell flags " + std::to_string(flags) + " has unknown bits");
            }
            cell.type = static_cast<CellType>(type);
            cell.boolean = (flags & cell_boolean_true) != 0;
            cell.text = reader.string("cell text");
            if (flags & cell_has_number) cell.number = reader.f64("cell number");
        }
    }
    table.merges.resize(reader.count("table merges"));
    for (auto& merge : table.merges) {
        merge.first_row = reader.i32("merge first row");
        merge.first_column = reader.i32("merge first column");
        merge.last_row = reader.i32("merge last row");
        merge.last_column = reader.i32("merge last column");
    }
    return table;
}

Document decode_document(Reader& reader) {
    Document document;
    document.path = reader.string("document path");
    document.kind = reader.string("document kind");
    document.title = reader.string("document title");
    document.created = reader.string("document created date");
    document.modified = reader.string("document modified date");
    document.blocks.resize(reader.count("text blocks"));
    for (auto& block : document.blocks) {
        block.text = reader.string("block text");
        block.location = reader.string("block location");
    }
    const auto tables = reader.count("tables");
    document.tables.reserve(tables);
    for (std::size_t i = 0; i < tables; ++i) document.tables.push_back(decode_table(reader));
    document.links.resize(reader.count("hyperlinks"));
    for (auto& link : document.links) {
        link.text = reader.string("hyperlink text");
        link.target = reader.string("hyperlink target");
        link.location = reader.string("hyperlink location");
    }
    return document;
}

std::string encode_record(const Extraction& extraction) {
    Writer payload;
    payload.u8(static_cast<std::uint8_t>(extraction.status));
    payload.string(extraction.reason);
    encode_document(payload, extraction.document);

    Writer encoded;
    encoded.out().reserve(document_codec_header_bytes + payload.out().size());
    encoded.out().append(magic, sizeof magic);
    encoded.u16(static_cast<std::uint16_t>(document_codec_version));
    encoded.u16(0);
    encoded.u64(payload.out().size());
    encoded.u32(crc32_of(payload.out()));
    encoded.out() += payload.out();
    return std::move(encoded.out());
}

std::uint64_t read_header(std::string_view header) {
    if (header.size() < document_codec_header_bytes) {
        throw DocumentCodecError("invalid encoded document: truncated header: " +
                                 std::to_string(document_codec_header_bytes) + " bytes expected, " +
                                 std::to_string(header.size()) + " present");
    }
    if (std::memcmp(header.data(), magic, sizeof magic) != 0) {
        throw DocumentCodecError("invalid encoded document: the header does not start with IQXD");
    }
    Reader reader(header.substr(sizeof magic, document_codec_header_bytes - sizeof magic));
    const unsigned low = reader.u8("version");
    const unsigned high = reader.u8("version");
    const unsigned version = low | (high << 8);
    if (version != document_codec_version) {
        throw DocumentCodecError("invalid encoded document: format version " + std::to_string(version) +
                                 ", expected " + std::to_string(document_codec_version));
    }
    if (reader.u8("reserved") != 0 || reader.u8("reserved") != 0) {
        throw DocumentCodecError("invalid encoded document: reserved header bytes are not zero");
    }
    return reader.u64("payload length");
}

Extraction decode_record(std::string_view encoded) {
    const auto length = read_header(encoded);
    const auto payload = encoded.substr(document_codec_header_bytes);
    if (payload.size() != length) {
        throw DocumentCodecError("invalid encoded document: payload of " + std::to_string(length) +
                                 " bytes declared, " + std::to_string(payload.size()) + " present");
    }
    Reader header(encoded.substr(16, 4));
    if (crc32_of(payload) != header.u32("checksum")) {
        throw DocumentCodecError("invalid encoded document: the payload checksum does not match (corrupt data)");
    }

    Reader reader(payload);
    const auto status = reader.u8("status");
    if (status > static_cast<std::uint8_t>(FileStatus::review)) {
        reader.fail("file status " + std::to_string(status) + " is unknown");
    }
    Extraction extraction;
    extraction.status = static_cast<FileStatus>(status);
    extraction.reason = reader.string("reason");
    extraction.document = decode_document(reader);
    if (reader.remaining() != 0) reader.fail(std::to_string(reader.remaining()) + " bytes after the document");
    return extraction;
}

}  // namespace

// The byte reader and writer throw ByteCodecError, which callers of the
// document codec know as DocumentCodecError.
std::string encode_extraction(const Extraction& extraction) {
    try {
        return encode_record(extraction);
    } catch (const ByteCodecError& error) {
        throw DocumentCodecError(error.what());
    }
}

std::uint64_t encoded_payload_length(std::string_view header) {
    try {
        return read_header(header);
    } catch (const ByteCodecError& error) {
        throw DocumentCodecError(error.what());
    }
}

Extraction decode_extraction(std::string_view encoded) {
    try {
        return decode_record(encoded);
    } catch (const ByteCodecError& error) {
        throw DocumentCodecError(error.what());
    }
}

}  // namespace iqts::host
