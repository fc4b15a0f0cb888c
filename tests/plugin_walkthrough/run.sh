#!/bin/sh
# Runs every ```sh block of docs/writing-a-plugin.md in order, as one
# script, with the page's folder variables set to a temporary folder. Then it
# checks what the page promises: the house check's finding under C3.3 with
# status pass, and the plugin and its rule file in `iqts-scan plugins list`.
#
# Arguments: SOURCE_DIR BINARY_DIR CMAKE_COMMAND CMAKE_GENERATOR CXX_COMPILER
set -eu

source_dir=$1
binary_dir=$2
cmake_command=$3
generator=$4
cxx_compiler=$5

work=$(mktemp -d "${TMPDIR:-/tmp}/iqts-walkthrough.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

page="$source_dir/docs/writing-a-plugin.md"
script="$work/walkthrough.sh"
log="$work/walkthrough.log"

# The page's variables, and the tools of this build. The page's commands run
# whatever cmake and compiler come first, so the script puts this build's
# cmake first on the PATH and names the compiler and generator in the
# environment variables that CMake reads.
{
    echo 'set -eu'
    echo "export IQTS_SRC='$source_dir'"
    echo "export IQTS_BUILD='$binary_dir'"
    echo "export SDK_PREFIX='$work/sdk'"
    echo "export WORK='$work/projects'"
    echo "export PATH='$(dirname "$cmake_command")':\"\$PATH\""
    echo "export CMAKE_GENERATOR='$generator'"
    echo "export CXX='$cxx_compiler'"
    awk '/^```sh$/ { inside = 1; next } /^```/ { inside = 0 } inside' "$page"
} > "$script"

if ! grep -q 'iqts-scan plugins list' "$script"; then
    echo "plugin walkthrough: no sh block of $page runs 'iqts-scan plugins list'" >&2
    exit 1
fi

if ! sh "$script" > "$log" 2>&1; then
    echo "plugin walkthrough: a command of $page failed; the script and its output follow" >&2
    cat "$script" "$log" >&2
    exit 1
fi

project="$work/projects/house-checks"
failures=0
expect() {
    description=$1
    shift
    if "$@"; then
        echo "ok: $description"
    else
        echo "FAILED: $description" >&2
        failures=$((failures + 1))
    fi
}

expect "the SDK package is installed under the prefix" \
    test -n "$(find "$work/sdk" -name iqts-sdk-config.cmake)"
expect "the plugin was built into build/plugins" \
    test -f "$project/build/plugins/house_checks.so"
expect "the template's own tests ran and passed" \
    grep -q '100% tests passed' "$log"

status=$(python3 - "$project/report.json" <<'PYTHON'
import json, sys
report = json.load(open(sys.argv[1]))
for criterion in report["criteria"]:
    if criterion["id"] != "C3.3":
        continue
    for finding in criterion["findings"]:
        if finding["subject"] == "safeguarding policy review":
            print(finding["status"])
PYTHON
)
expect "report.json has the house check's finding with status pass (got '$status')" \
    test "$status" = pass

expect "plugins list shows the loaded plugin with its criterion and path" \
    grep -q "^  loaded    house-checks 0.1.0  C3.3  $project/build/plugins/house_checks.so\$" "$log"
expect "plugins list shows the house check" \
    grep -q '^              check house-safeguarding-review  C3.3$' "$log"
expect "plugins list shows the plugin's rule file in use" \
    grep -q "^  in use    $project/rules/house.yaml  requires 0.1\$" "$log"
expect "plugins list rejects nothing" \
    grep -q '^Plugins: [0-9]* loaded, 0 rejected$' "$log"

if [ "$failures" -ne 0 ]; then
    echo "plugin walkthrough: $failures checks failed; the output of the page's commands follows" >&2
    cat "$log" >&2
    exit 1
fi
echo "plugin walkthrough: every check passed"
