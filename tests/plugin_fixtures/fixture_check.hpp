#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "iqts/check.hpp"

namespace fixture {

// A check whose behaviour is a function, so each fixture states it in one place.
class FunctionCheck : public iqts::Check {
public:
    using Body = std::function<std::vector<iqts::Finding>(const iqts::CheckContext&)>;

    FunctionCheck(std::string criterion, std::string name, Body body)
        : criterion_(std::move(criterion)), name_(std::move(name)), body_(std::move(body)) {}

    std::string criterion() const override { return criterion_; }
    std::string name() const override { return name_; }
    std::vector<iqts::Finding> run(const iqts::CheckContext& context) const override { return body_(context); }

private:
    std::string criterion_;
    std::string name_;
    Body body_;
};

inline iqts::Finding pass(std::string subject, std::string message) {
    return {iqts::Status::pass, std::move(subject), std::move(message), {}};
}

}  // namespace fixture
