#!/usr/bin/env bash
# Fetches the official WebAssembly core spec tests at the commits zerowasm pins, into
# testsuite/official/ (git-ignored; the harness looks there after $ZEROWASM_TESTSUITE and
# ../shared/testsuite):
#
#   testsuite/official/core-1.0/*.wast        spec tag wg-1.0, test/core/*.wast
#   testsuite/official/core-2.0/*.wast        spec tag wg-2.0, test/core/*.wast
#   testsuite/official/core-2.0/simd/*.wast   spec tag wg-2.0, test/core/simd/*.wast
#
# The pins are the ones ../shared/testsuite/SOURCES.md records. Usage:
#   scripts/fetch-testsuite.sh [DEST]      (default DEST: testsuite/official)
# Needs git and network access to github.com. Re-running replaces DEST's core-* folders.
set -euo pipefail

REPO_URL="${ZEROWASM_SPEC_REPO:-https://github.com/WebAssembly/spec.git}"
CORE_1_0_TAG="wg-1.0"
CORE_1_0_COMMIT="977f97014c962f7bd1291fcc6d28b41a924882bf"
CORE_2_0_TAG="wg-2.0"
CORE_2_0_COMMIT="fffc6e12fa454e475455a7b58d3b5dc343980c10"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${1:-$root/testsuite/official}"
mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "fetch-testsuite: cloning $REPO_URL"
# Blobs are fetched on demand at checkout: only the two pinned trees are downloaded.
git clone --quiet --filter=blob:none --no-checkout "$REPO_URL" "$work/spec"
git -C "$work/spec" fetch --quiet --tags origin

# checkout TAG COMMIT: checks out the pinned commit and makes sure the tag still names it.
checkout() {
    local tag="$1" commit="$2" tagged
    tagged="$(git -C "$work/spec" rev-parse "refs/tags/$tag^{commit}" 2>/dev/null || true)"
    if [ -n "$tagged" ] && [ "$tagged" != "$commit" ]; then
        echo "fetch-testsuite: warning: tag $tag now names $tagged; using the pinned $commit" >&2
    fi
    git -C "$work/spec" -c advice.detachedHead=false checkout --quiet "$commit"
    test "$(git -C "$work/spec" rev-parse HEAD)" = "$commit"
}

# copy SRC_DIR DEST_DIR: copies SRC_DIR/*.wast (not recursively) to a fresh DEST_DIR.
copy() {
    local src="$1" out="$2" n
    mkdir -p "$out"
    find "$out" -maxdepth 1 -name '*.wast' -delete
    n=0
    for f in "$src"/*.wast; do
        cp "$f" "$out/"
        n=$((n + 1))
    done
    echo "fetch-testsuite: $n files -> ${out#"$root"/}"
}

rm -rf "$dest/core-1.0" "$dest/core-2.0"

checkout "$CORE_1_0_TAG" "$CORE_1_0_COMMIT"
copy "$work/spec/test/core" "$dest/core-1.0"

checkout "$CORE_2_0_TAG" "$CORE_2_0_COMMIT"
copy "$work/spec/test/core" "$dest/core-2.0"
copy "$work/spec/test/core/simd" "$dest/core-2.0/simd"

cat > "$dest/SOURCES.md" <<SOURCES
# Fetched by scripts/fetch-testsuite.sh

| folder | repository | ref / commit | path copied |
|---|---|---|---|
| core-1.0/ | $REPO_URL | tag \`$CORE_1_0_TAG\` = \`$CORE_1_0_COMMIT\` | \`test/core/*.wast\` |
| core-2.0/ | $REPO_URL | tag \`$CORE_2_0_TAG\` = \`$CORE_2_0_COMMIT\` | \`test/core/*.wast\` + \`test/core/simd/*.wast\` → \`simd/\` |
SOURCES
echo "fetch-testsuite: done; run the suites with: cargo run --release -p zerowasm-harness -- spectest"
