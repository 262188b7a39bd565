# tools/real-packages/adopt-common.sh: the steps every adoption shares,
# sourced by tools/real-packages/SOURCE/adopt TREE (sh).

set -eu
tree=${1:?usage: adopt TREE}
recipe=$(cd "$(dirname "$0")" && pwd)

# The declaration, and the lock of its multi-file models when it has one.
cp "$recipe/aimodel.yaml" "$tree/debian/aimodel.yaml"
if [ -f "$recipe/aimodel.sums" ]; then
    cp "$recipe/aimodel.sums" "$tree/debian/aimodel.sums"
fi

# dh-sequence-aimodel first in the source's Build-Depends, whether the
# field is written on one line or one relation per line.
awk 'done != 1 && /^Build-Depends:/ {
         rest = $0; sub(/^Build-Depends:[ \t]*/, "", rest)
         if (rest == "") { print; print " dh-sequence-aimodel,"; }
         else { print "Build-Depends: dh-sequence-aimodel, " rest }
         done = 1; next }
     { print }' "$tree/debian/control" > "$tree/debian/control.new"
mv "$tree/debian/control.new" "$tree/debian/control"
grep -q 'dh-sequence-aimodel' "$tree/debian/control"

# set_section PACKAGE SECTION: the Section of one binary package (added
# after its Package: line when it has none, else replaced).
set_section() {
    awk -v pkg="$1" -v sec="$2" '
        /^Package:/ { inpkg = ($2 == pkg); print; if (inpkg) { print "Section: " sec; added = 1 } ; next }
        inpkg && /^Section:/ { next }
        { print }
        END { if (!added) exit 1 }' "$tree/debian/control" > "$tree/debian/control.new"
    mv "$tree/debian/control.new" "$tree/debian/control"
}

# set_source_section SECTION: the Section of the source paragraph.
set_source_section() {
    awk -v sec="$1" 'NR == 1, /^$/ { if (/^Section:/) { print "Section: " sec; next } } { print }' \
        "$tree/debian/control" > "$tree/debian/control.new"
    mv "$tree/debian/control.new" "$tree/debian/control"
}

# copyright_update: the models' stanzas, their License paragraphs and,
# outside main, the Disclaimer, written by aimodel copyright as a
# maintainer runs it (the aimodel of the chroot: dh-aimodel's own .deb).
copyright_update() {
    (cd "$tree" && aimodel copyright .)
}
