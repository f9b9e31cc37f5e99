#!/usr/bin/env bash
# fuzz/build.sh TARGET — builds fuzz/.build/fuzz-TARGET, a libFuzzer binary.
#
# The package's modules are compiled straight with swiftc (no SwiftPM: the harness needs
# -sanitize=fuzzer on every module and the test-side target code compiled in): CVocabulary
# (clang, .incbin), TokenCounter, RecountKit (-enable-testing, so the targets reach internals),
# then the harness with the shared target files from Tests/*/Fuzz/. FUZZ_SANITIZERS picks the
# sanitizers (default fuzzer,address; 'fuzzer' alone is about twice as fast).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target=${1:?usage: fuzz/build.sh record|stream|catalog|ledger|pretokenizer|encoding}
sanitizers=${FUZZ_SANITIZERS:-fuzzer,address}
build=$root/fuzz/.build/${sanitizers//,/-}
mkdir -p "$build/modules/CVocabulary"
flags=(-O -g -suppress-warnings -sanitize="$sanitizers" -parse-as-library -enable-testing -I "$build/modules" -I "$build/modules/CVocabulary" -I "$root/Sources/CZlib")

newer() { # newer OUTPUT INPUT... : true when OUTPUT is missing or older than an input
    local out=$1; shift
    [[ -e $out ]] || return 0
    for f in "$@"; do [[ $f -nt $out ]] && return 0; done
    return 1
}

if newer "$build/vocabulary.o" Sources/CVocabulary/vocabulary.c; then
    clang -O1 -c Sources/CVocabulary/vocabulary.c -I Sources/CVocabulary/include -I Sources/CVocabulary/vocab -o "$build/vocabulary.o"
    printf 'module CVocabulary {\n  header "%s"\n  export *\n}\n' "$root/Sources/CVocabulary/include/CVocabulary.h" > "$build/modules/CVocabulary/module.modulemap"
fi
token_sources=("$root"/Sources/TokenCounter/*.swift)
if newer "$build/TokenCounter.o" "${token_sources[@]}"; then
    echo "fuzz/build.sh: compiling TokenCounter ($sanitizers)" >&2
    swiftc "${flags[@]}" -module-name TokenCounter -wmo -emit-module -emit-module-path "$build/modules/TokenCounter.swiftmodule" \
        -c "${token_sources[@]}" -o "$build/TokenCounter.o"
fi
kit_sources=($(find "$root/Sources/RecountKit" -name '*.swift' | sort))
if newer "$build/RecountKit.o" "${kit_sources[@]}" "$build/TokenCounter.o"; then
    echo "fuzz/build.sh: compiling RecountKit ($sanitizers)" >&2
    swiftc "${flags[@]}" -module-name RecountKit -wmo -emit-module -emit-module-path "$build/modules/RecountKit.swiftmodule" \
        -c "${kit_sources[@]}" -o "$build/RecountKit.o"
fi

case $target in
    record|stream|catalog|ledger)
        harness=("$root/fuzz/HarnessRecount.swift" "$root"/Tests/RecountKitTests/Fuzz/{FuzzMutator,FuzzSeeds,RecountFuzzTargets}.swift)
        objects=("$build/RecountKit.o" "$build/TokenCounter.o" "$build/vocabulary.o") ;;
    pretokenizer|encoding)
        harness=("$root/fuzz/HarnessTokenizer.swift" "$root"/Tests/TokenCounterTests/Fuzz/{BacktrackingSplitter,TokenizerFuzzTargets}.swift)
        objects=("$build/TokenCounter.o" "$build/vocabulary.o") ;;
    *) echo "fuzz/build.sh: unknown target '$target'" >&2; exit 64 ;;
esac
echo "let fuzzTargetName = \"$target\"" > "$build/name-$target.swift"
binary=$build/fuzz-$target
if newer "$binary" "${harness[@]}" "${objects[@]}"; then
    echo "fuzz/build.sh: linking $binary" >&2
    swiftc "${flags[@]}" -module-name FuzzHarness "${harness[@]}" "$build/name-$target.swift" "${objects[@]}" -lz -o "$binary"
fi
echo "$binary"
