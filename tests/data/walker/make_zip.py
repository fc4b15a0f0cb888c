#!/usr/bin/env python3
"""Writes a zip for the walker tests, controlling how entry names are stored.

Usage: make_zip.py OUTPUT MODE NAME [NAME ...]

MODE is one of:
  cp437           names encoded as CP437 with the UTF-8 flag clear, as Windows writes them
  utf8-flagged    names encoded as UTF-8 with the UTF-8 flag set
  utf8-unflagged  names encoded as UTF-8 with the UTF-8 flag clear, as macOS writes them
  zeros:BYTES     each entry holds BYTES zero bytes, deflated (a small zip bomb)

Except in zeros mode each entry holds the text "content of NAME".
"""
import sys
import zipfile

UTF8_FLAG = 0x800


def encoder(mode):
    def encode(info):
        if mode == "cp437":
            return info.filename.encode("cp437"), info.flag_bits & ~UTF8_FLAG
        if mode == "utf8-unflagged":
            return info.filename.encode("utf-8"), info.flag_bits & ~UTF8_FLAG
        return info.filename.encode("utf-8"), info.flag_bits | UTF8_FLAG
    return encode


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    output, mode, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    if mode.startswith("zeros:"):
        size = int(mode.split(":", 1)[1])
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in names:
                with archive.open(name, "w", force_zip64=size >= 0xFFFFFFFF) as entry:
                    chunk = bytes(1 << 20)
                    left = size
                    while left > 0:
                        entry.write(chunk[:min(left, len(chunk))])
                        left -= min(left, len(chunk))
        return
    if mode not in ("cp437", "utf8-flagged", "utf8-unflagged"):
        sys.exit("unknown mode " + mode + "\n" + __doc__)
    # zipfile offers no option for the name encoding, so the method that
    # chooses it is replaced.
    zipfile.ZipInfo._encodeFilenameFlags = encoder(mode)
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.writestr(name, "content of " + name)


if __name__ == "__main__":
    main()
