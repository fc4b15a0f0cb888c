#pragma once

#include <memory>
#include <string>
#include <vector>

#include "iqts/cohort.hpp"
#include "iqts/finding.hpp"
#include "iqts/index.hpp"
#include "iqts/log.hpp"
#include "iqts/rules.hpp"

namespace iqts {

// What a check may read. Checks never see the file system or the archive.
struct CheckContext {
    const EvidenceIndex& index;
    const Cohort& cohort;
    const RulePack& rules;
    Logger& log;
    std::string inspection_date;   // YYYY-MM-DD, empty when not given
};

// Evaluates one criterion.
class Check {
public:
    virtual ~Check() = default;
    virtual std::string criterion() const = 0;   // "C1.3"
    virtual std::string name() const = 0;        // "english-language"
    virtual std::vector<Finding> run(const CheckContext& context) const = 0;
};

// Collects the checks a plugin's factory creates.
class CheckRegistry {
public:
    virtual ~CheckRegistry() = default;
    virtual void add(std::unique_ptr<Check> check) = 0;
};

}  // namespace iqts
