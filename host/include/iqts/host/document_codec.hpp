#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "iqts/host/extract.hpp"

namespace iqts::host {

// Binary form of an Extraction (status, reason and document), used to send
// documents from extraction workers and to store them in the extraction
// cache. Layout, all integers little-endian:
//
//   offset 0   4 bytes  magic "IQXD"
//   offset 4   u16      format version (document_codec_version)
//   offset 6   u16      zero
//   offset 8   u64      payload length in bytes
//   offset 16  u32      CRC-32 of the payload
//   offset 20  payload  strings as u32 length + bytes, lists as u32 count +
//                       items, numbers as IEEE 754 doubles
constexpr unsigned document_codec_version = 1;
constexpr std::size_t document_codec_header_bytes = 20;

// Input that is not a complete, intact encoding: truncated, corrupt, of
// another format version, or with bytes after the payload.
class DocumentCodecError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Encodes `extraction` with its header and checksum.
std::string encode_extraction(const Extraction& extraction);

// Decodes what encode_extraction wrote. `encoded` must hold exactly one
// encoding. Throws DocumentCodecError naming the first problem found; a
// decoded list never allocates more items than the input has bytes.
Extraction decode_extraction(std::string_view encoded);

// Returns the payload length declared by a header, after checking its magic
// and version. Throws DocumentCodecError when `header` is shorter than
// document_codec_header_bytes or not a header of this format.
std::uint64_t encoded_payload_length(std::string_view header);

}  // namespace iqts::host
