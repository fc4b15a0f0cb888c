#include "iqts/host/cli.hpp"

int main(int argc, char** argv) {
    return iqts::host::run_cli(argc, argv);
}
