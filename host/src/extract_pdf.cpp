#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <locale.h>
#include <wctype.h>

#include <climits>
#include <ctime>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "iqts/host/extract.hpp"
#include "text_budget.hpp"

namespace iqts::host {

namespace {

// Poppler prints syntax warnings for damaged files to stderr; the reason a
// file cannot be read is reported through the Extraction instead.
void silence_poppler() {
    static std::once_flag once;
    std::call_once(once, [] { poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr); });
}

std::string to_utf8(const poppler::ustring& text) {
    const auto bytes = text.to_utf8();
    std::string utf8(bytes.begin(), bytes.end());
    while (!utf8.empty() && utf8.back() == '\0') utf8.pop_back();
    return utf8;
}

std::string iso_timestamp(time_t seconds) {
    if (seconds == static_cast<time_t>(-1)) return {};
    std::tm utc{};
    if (gmtime_r(&seconds, &utc) == nullptr) return {};
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buffer;
}

// Tidies poppler's physical layout, which pads columns with long runs of
// spaces: leading and trailing spaces go, a run of three or more spaces
// becomes two (still a visible column gap), and blank lines do not repeat.
// The form feed poppler ends a page with goes too.
std::string tidy_page_text(std::string_view text) {
    std::string tidy;
    tidy.reserve(text.size());
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        auto line = text.substr(pos, end - pos);
        pos = end + 1;

        const auto is_padding = [](char c) { return c == ' ' || c == '\r' || c == '\f'; };
        while (!line.empty() && is_padding(line.front())) line.remove_prefix(1);
        while (!line.empty() && is_padding(line.back())) line.remove_suffix(1);
        if (line.empty()) {
            if (!tidy.empty() && !tidy.ends_with("\n\n")) tidy += '\n';
            continue;
        }

        std::size_t spaces = 0;
        for (const char c : line) {
            spaces = c == ' ' ? spaces + 1 : 0;
            if (spaces <= 2) tidy += c;
        }
        tidy += '\n';
    }
    while (!tidy.empty() && tidy.back() == '\n') tidy.pop_back();
    return tidy;
}

// Decodes the next code point of valid UTF-8 (poppler's output) at `pos`.
char32_t next_code_point(std::string_view text, std::size_t& pos) {
    const auto lead = static_cast<unsigned char>(text[pos++]);
    int extra = 0;
    char32_t code = lead;
    if (lead >= 0xF0) {
        extra = 3;
        code = lead & 0x07u;
    } else if (lead >= 0xE0) {
        extra = 2;
        code = lead & 0x0Fu;
    } else if (lead >= 0xC0) {
        extra = 1;
        code = lead & 0x1Fu;
    }
    while (extra-- > 0 && pos < text.size()) {
        code = (code << 6) | (static_cast<unsigned char>(text[pos++]) & 0x3Fu);
    }
    return code;
}

enum class CharClass { space, upper, lower, other_letter, digit, code_symbol, junk, other };

CharClass classify(char32_t code, locale_t utf8_locale) {
    const auto wide = static_cast<wint_t>(code);
    if (code == 0xFFFD || (code >= 0xE000 && code <= 0xF8FF)) return CharClass::junk;
    if (iswspace_l(wide, utf8_locale)) return CharClass::space;
    if (code < 0x20 || code == 0x7F) return CharClass::junk;
    if (iswupper_l(wide, utf8_locale)) return CharClass::upper;
    if (iswlower_l(wide, utf8_locale)) return CharClass::lower;
    if (iswalpha_l(wide, utf8_locale)) return CharClass::other_letter;
    if (code >= '0' && code <= '9') return CharClass::digit;
    if (std::u32string_view(U"\\~^|{}<>`").find(code) != std::u32string_view::npos) return CharClass::code_symbol;
    return CharClass::other;
}

bool is_letter(CharClass c) {
    return c == CharClass::upper || c == CharClass::lower || c == CharClass::other_letter;
}

// Returns true when the word shows a sign of a wrong character map. The signs
// are a code point from the private use area or a control character, a
// programming symbol between two letters ("D\Q"), and two or
// more capitals followed by lower case and another capital ("HQČåQ").
// Real words such as "PDFs", "iQTS" or "PowerPoint" show none of them.
bool looks_garbled(const std::vector<CharClass>& word) {
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (word[i] == CharClass::junk) return true;
        if (i >= 1 && i + 1 < word.size() && word[i] == CharClass::code_symbol && is_letter(word[i - 1]) &&
            is_letter(word[i + 1])) {
            return true;
        }
    }

    std::size_t capitals = 0;
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (word[i] == CharClass::upper) {
            ++capitals;
            continue;
        }
        if (word[i] == CharClass::lower && capitals >= 2) {
            std::size_t next = i;
            while (next < word.size() && word[next] == CharClass::lower) ++next;
            if (next < word.size() && word[next] == CharClass::upper) return true;
        }
        capitals = 0;
    }
    return false;
}

// Returns true when most letters of `text` sit in garbled words: the text
// layer decodes to the wrong characters and only OCR can recover the words.
// Texts of fewer than 8 letters are too short to judge.
bool text_layer_unreliable(std::string_view text) {
    static const locale_t utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
    if (utf8_locale == static_cast<locale_t>(0)) return false;

    std::size_t letters = 0;
    std::size_t garbled_letters = 0;
    std::vector<CharClass> word;
    const auto finish_word = [&] {
        std::size_t word_letters = 0;
        for (const auto c : word) word_letters += is_letter(c) || c == CharClass::junk ? 1 : 0;
        letters += word_letters;
        if (looks_garbled(word)) garbled_letters += word_letters;
        word.clear();
    };

    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto kind = classify(next_code_point(text, pos), utf8_locale);
        if (kind == CharClass::space) {
            finish_word();
        } else {
            word.push_back(kind);
        }
    }
    finish_word();

    constexpr std::size_t min_letters = 8;
    return letters >= min_letters && garbled_letters * 10 > letters * 3;
}

}  // namespace

Extraction extract_pdf(const std::string& path, std::string_view bytes, const ExtractLimits& limits) {
    Extraction extraction;
    auto& document = extraction.document;
    document.path = path;
    document.kind = "pdf";
    silence_poppler();

    const auto fail = [&](std::string reason) {
        extraction.status = FileStatus::unreadable;
        extraction.reason = std::move(reason);
        return extraction;
    };
    if (bytes.size() > static_cast<std::size_t>(INT_MAX)) {
        return fail("PDF larger than 2 GiB: poppler cannot open it; split the file");
    }

    // Empty owner and user passwords: a file encrypted only against editing
    // opens, one that needs a password to view stays locked.
    const std::unique_ptr<poppler::document> pdf(
        poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
    if (!pdf) return fail("damaged PDF: poppler could not open it");
    if (pdf->is_locked()) return fail("password-protected");

    document.title = to_utf8(pdf->info_key("Title"));
    document.created = iso_timestamp(pdf->info_date_t("CreationDate"));
    document.modified = iso_timestamp(pdf->info_date_t("ModDate"));

    const int pages = pdf->pages();
    if (pages <= 0) return fail("damaged PDF: it has no pages");

    TextBudget budget(limits.max_text_bytes);
    std::string all_text;
    for (int index = 0; index < pages && !budget.exhausted(); ++index) {
        const std::unique_ptr<poppler::page> page(pdf->create_page(index));
        if (!page) continue;
        auto text = tidy_page_text(to_utf8(page->text(poppler::rectf(), poppler::page::physical_layout)));
        if (text.empty()) continue;
        text.resize(budget.admit(text));
        all_text += text;
        all_text += '\n';
        document.blocks.push_back({std::move(text), "page " + std::to_string(index + 1)});
    }

    if (document.blocks.empty()) return fail("no text layer (scanned image?)");
    if (text_layer_unreliable(all_text)) {
        extraction.status = FileStatus::review;
        extraction.reason = "text layer unreliable (needs OCR)";
    } else if (budget.exhausted()) {
        extraction.status = FileStatus::review;
        extraction.reason = TextBudget::exhausted_reason;
    }
    return extraction;
}

}  // namespace iqts::host
