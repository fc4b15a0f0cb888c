// A plugin whose checks each fail in their own way. The host must turn each
// failure into an error finding and carry on.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <thread>

#include <unistd.h>

#include "fixture_check.hpp"
#include "iqts/plugin.hpp"

namespace {

std::vector<iqts::Finding> segfault(const iqts::CheckContext&) {
    // Both volatiles are needed: without them the compiler drops a write
    // through a null pointer, which it may assume never happens.
    volatile int* volatile pointer = nullptr;
    *pointer = 1;
    return {};
}

std::vector<iqts::Finding> aborts(const iqts::CheckContext&) {
    std::abort();
}

std::vector<iqts::Finding> throws(const iqts::CheckContext&) {
    throw std::runtime_error("register column 'Overall' not found");
}

std::vector<iqts::Finding> throws_integer(const iqts::CheckContext&) {
    throw 42;
}

std::vector<iqts::Finding> loops(const iqts::CheckContext&) {
    while (true) std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

// Keeps every block reachable, so the allocations cannot be optimised away.
// Blocks are left uninitialised: zeroing 2 GiB takes seconds on a loaded
// machine, longer than the scan's check timeout.
std::vector<std::unique_ptr<char[]>> hoard;

std::vector<iqts::Finding> allocates(const iqts::CheckContext&) {
    while (true) {
        hoard.push_back(std::unique_ptr<char[]>(new char[64u << 20]));
        hoard.back()[0] = 1;
    }
}

std::vector<iqts::Finding> prints(const iqts::CheckContext&) {
    std::cout << "stray output from std::cout" << std::endl;
    std::printf("stray output from printf\n");
    std::fflush(stdout);
    const char text[] = "stray output from write\n";
    [[maybe_unused]] const auto written = ::write(STDOUT_FILENO, text, sizeof text - 1);
    return {fixture::pass("", "printed and passed")};
}

std::vector<iqts::Finding> exits(const iqts::CheckContext&) {
    std::_Exit(3);
}

}  // namespace

IQTS_PLUGIN("faulty", "0.0.1") {
    registry.add(std::make_unique<fixture::FunctionCheck>("C2.1", "segfault", segfault));
    registry.add(std::make_unique<fixture::FunctionCheck>("C2.2", "abort", aborts));
    registry.add(std::make_unique<fixture::FunctionCheck>("C2.3", "throw", throws));
    registry.add(std::make_unique<fixture::FunctionCheck>("C2.4", "throw-integer", throws_integer));
    registry.add(std::make_unique<fixture::FunctionCheck>("C2.5", "infinite-loop", loops));
    registry.add(std::make_unique<fixture::FunctionCheck>("C2.6", "unbounded-allocation", allocates));
    registry.add(std::make_unique<fixture::FunctionCheck>("C2.7", "stdout", prints));
    registry.add(std::make_unique<fixture::FunctionCheck>("C2.8", "exit", exits));
}
