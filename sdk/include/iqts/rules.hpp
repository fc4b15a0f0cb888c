#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace iqts {

// A threshold or setting from the rule pack, with the source that justifies it.
struct Setting {
    std::string value;
    std::string unit;
    std::string source;
};

// One row of a rule-pack table, such as the English-test equivalents.
using RuleRow = std::map<std::string, std::string>;

// The rule pack in force: the built-in `rules/` folder overlaid by any
// folder given with --rules. Keys are dotted: "english.ielts_overall_min".
class RulePack {
public:
    virtual ~RulePack() = default;

    virtual std::optional<Setting> setting(const std::string& key) const = 0;
    virtual std::optional<double> number(const std::string& key) const = 0;

    // Returns the rows of a named table, empty when the pack has none.
    virtual std::vector<RuleRow> table(const std::string& name) const = 0;

    // Returns the patterns listed under `key`, empty when the pack has none.
    virtual std::vector<std::string> patterns(const std::string& key) const = 0;

    // Returns whether RE2 `pattern` matches anywhere in `text`,
    // case-insensitively, so that plugins match patterns without linking RE2.
    // An invalid pattern matches nothing.
    virtual bool matches(const std::string& pattern, const std::string& text) const = 0;

    // Returns the patterns under `key` as one RE2 alternation, which matches
    // wherever one of them does, or an empty string when the key has none.
    // Matching the alternation reads a text once rather than once per pattern.
    std::string alternation(const std::string& key) const {
        std::string joined;
        for (const auto& pattern : patterns(key)) {
            joined += joined.empty() ? "(?:" : "|(?:";
            joined += pattern;
            // A \Q quote left open runs to the end of its pattern, so it is
            // closed here, before the parenthesis.
            if (ends_in_open_quote(pattern)) joined += "\\E";
            joined += ')';
        }
        return joined;
    }

    // Returns whether `pattern` ends inside a \Q quote that no \E closes. In a
    // quote, every character is literal up to \E; outside, a backslash
    // escapes the character after it.
    static bool ends_in_open_quote(const std::string& pattern) {
        bool quoted = false;
        for (std::size_t i = 0; i + 1 < pattern.size(); ++i) {
            if (pattern[i] != '\\') continue;
            const char next = pattern[i + 1];
            if (quoted && next != 'E') continue;
            quoted = !quoted && next == 'Q';
            ++i;
        }
        return quoted;
    }

    // Returns whether any of the patterns under `key` matches `text`.
    bool matches_any(const std::string& key, const std::string& text) const {
        const auto joined = alternation(key);
        return !joined.empty() && matches(joined, text);
    }
};

}  // namespace iqts
