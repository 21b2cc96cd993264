#!/usr/bin/env bash
# Fetches the official WebAssembly core spec tests at the commits zerowasm pins, into
# testsuite/official/ (git-ignored; the harness looks there after $ZEROWASM_TESTSUITE and
# ../shared/testsuite):
#
#   testsuite/official/core-1.0/*.wast        spec tag wg-1.0, test/core/*.wast
#   testsuite/official/core-2.0/*.wast        spec tag wg-2.0, test/core/*.wast
#   testsuite/official/core-2.0/simd/*.wast   spec tag wg-2.0, test/core/simd/*.wast
#   testsuite/official/core-3.0/**/*.wast     spec tag wg-3.0, test/core/**/*.wast (subfolders kept)
#   testsuite/official/proposals/<name>/      WebAssembly/testsuite proposals/<name> (threads,
#                                             wide-arithmetic, custom-page-sizes) and legacy/
#                                             (as legacy-exceptions); WebAssembly/threads
#                                             test/core/threads as proposals/threads/multithreaded
#
# The pins are the ones ../shared/testsuite/SOURCES.md records. Usage:
#   scripts/fetch-testsuite.sh [DEST]      (default DEST: testsuite/official)
# Needs git and network access to github.com. Re-running replaces DEST's core-* and proposals/.
set -euo pipefail

REPO_URL="${ZEROWASM_SPEC_REPO:-https://github.com/WebAssembly/spec.git}"
CORE_1_0_TAG="wg-1.0"
CORE_1_0_COMMIT="977f97014c962f7bd1291fcc6d28b41a924882bf"
CORE_2_0_TAG="wg-2.0"
CORE_2_0_COMMIT="fffc6e12fa454e475455a7b58d3b5dc343980c10"
CORE_3_0_TAG="wg-3.0"
CORE_3_0_COMMIT="9d36019973201a19f9c9ebb0f10828b2fe2374aa"
TESTSUITE_URL="${ZEROWASM_TESTSUITE_REPO:-https://github.com/WebAssembly/testsuite.git}"
TESTSUITE_COMMIT="193e551ff22663995b1ac95dc62344133669e14b"
THREADS_URL="${ZEROWASM_THREADS_REPO:-https://github.com/WebAssembly/threads.git}"
THREADS_COMMIT="979d0fcb994439423d63b2f0a8a7332d6285dd84"

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

# copy_tree SRC_DIR DEST_DIR: copies every .wast under SRC_DIR, subfolders kept.
copy_tree() {
    local src="$1" out="$2" n
    rm -rf "$out"
    mkdir -p "$out"
    n=0
    while IFS= read -r f; do
        mkdir -p "$out/$(dirname "$f")"
        cp "$src/$f" "$out/$f"
        n=$((n + 1))
    done < <(cd "$src" && find . -name '*.wast' | sed 's|^\./||' | sort)
    echo "fetch-testsuite: $n files -> ${out#"$root"/}"
}

# clone_at URL COMMIT DIR: a blobless clone of URL checked out at COMMIT.
clone_at() {
    git clone --quiet --filter=blob:none --no-checkout "$1" "$3"
    git -C "$3" -c advice.detachedHead=false checkout --quiet "$2"
    test "$(git -C "$3" rev-parse HEAD)" = "$2"
}

rm -rf "$dest/core-1.0" "$dest/core-2.0" "$dest/core-3.0" "$dest/proposals"

checkout "$CORE_1_0_TAG" "$CORE_1_0_COMMIT"
copy "$work/spec/test/core" "$dest/core-1.0"

checkout "$CORE_2_0_TAG" "$CORE_2_0_COMMIT"
copy "$work/spec/test/core" "$dest/core-2.0"
copy "$work/spec/test/core/simd" "$dest/core-2.0/simd"

checkout "$CORE_3_0_TAG" "$CORE_3_0_COMMIT"
copy_tree "$work/spec/test/core" "$dest/core-3.0"

echo "fetch-testsuite: cloning $TESTSUITE_URL"
clone_at "$TESTSUITE_URL" "$TESTSUITE_COMMIT" "$work/testsuite"
for p in threads wide-arithmetic custom-page-sizes; do
    copy "$work/testsuite/proposals/$p" "$dest/proposals/$p"
done
copy "$work/testsuite/legacy" "$dest/proposals/legacy-exceptions"

echo "fetch-testsuite: cloning $THREADS_URL"
clone_at "$THREADS_URL" "$THREADS_COMMIT" "$work/threads"
copy "$work/threads/test/core/threads" "$dest/proposals/threads/multithreaded"

cat > "$dest/SOURCES.md" <<SOURCES
# Fetched by scripts/fetch-testsuite.sh

| folder | repository | ref / commit | path copied |
|---|---|---|---|
| core-1.0/ | $REPO_URL | tag \`$CORE_1_0_TAG\` = \`$CORE_1_0_COMMIT\` | \`test/core/*.wast\` |
| core-2.0/ | $REPO_URL | tag \`$CORE_2_0_TAG\` = \`$CORE_2_0_COMMIT\` | \`test/core/*.wast\` + \`test/core/simd/*.wast\` → \`simd/\` |
| core-3.0/ | $REPO_URL | tag \`$CORE_3_0_TAG\` = \`$CORE_3_0_COMMIT\` | \`test/core/**/*.wast\`, subfolders kept |
| proposals/threads, wide-arithmetic, custom-page-sizes | $TESTSUITE_URL | \`$TESTSUITE_COMMIT\` | \`proposals/<name>/*.wast\` |
| proposals/legacy-exceptions/ | $TESTSUITE_URL | \`$TESTSUITE_COMMIT\` | \`legacy/*.wast\` |
| proposals/threads/multithreaded/ | $THREADS_URL | \`$THREADS_COMMIT\` | \`test/core/threads/*.wast\` |
SOURCES
echo "fetch-testsuite: done; run the suites with: cargo run --release -p zerowasm-harness -- spectest"
