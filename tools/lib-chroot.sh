# tools/lib-chroot.sh: a throw-away Debian chroot for tools/test-release and
# tools/build-real, sourced by them (bash).
#
# The caller sets, before sourcing:
#   label    the name failures are reported under ("test-release trixie")
#   work     the work directory (logs, the chroot in $work/root)
#   keep     true to keep the chroot on exit
#   workdir  non-empty when the user named $work (then it is never removed)
# and gets: run, inside, fail, chroot_create, and a cleanup on any exit,
# Ctrl-C included, that unmounts innermost first and removes $work unless
# it was kept or named.

root=$work/root
started=$(date +%s)
mounted=()
step=setup

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    # Innermost first; lazily, so a process still inside cannot keep them.
    local i
    for (( i=${#mounted[@]}-1; i>=0; i-- )); do
        umount -l "${mounted[$i]}" 2>/dev/null || true
    done
    if [ "$keep" = false ] && [ -z "$workdir" ]; then
        # Only once nothing is mounted below it any more.
        if ! grep -q " $root/" /proc/mounts; then
            rm -rf "$work"
        fi
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
    local log=$work/$step.log
    echo "$label: FAIL at $step after $(( $(date +%s) - started )) s" \
         "(log: $log; --keep keeps the chroot)"
    if [ -f "$log" ]; then
        echo "--- last lines of $log"
        tail -n 40 "$log"
    fi
    exit 1
}

# run STEP COMMAND...: run a command with its output in $work/STEP.log.
run() {
    step=$1; shift
    "$@" >"$work/$step.log" 2>&1 || fail
}

# inside STEP SCRIPT: run a shell script in the chroot, clean environment.
inside() {
    local name=$1; shift
    run "$name" chroot "$root" /usr/bin/env -i HOME=/root LC_ALL=C.UTF-8 \
        PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
        /bin/sh -ec "$*"
}

# chroot_create SUITE MIRROR: debootstrap SUITE into $root (unless a kept
# chroot is already there), mount proc, sys and dev, and give it the host's
# resolver and its apt settings for reaching the mirror.
chroot_create() {
    local suite=$1 mirror=$2 fs conf
    if [ ! -x "$root/usr/bin/apt-get" ]; then
        run debootstrap debootstrap --variant=minbase "$suite" "$root" "$mirror"
    fi
    for fs in proc sys dev dev/pts; do
        case $fs in
            proc) mount -t proc proc "$root/proc" ;;
            sys) mount -t sysfs sysfs "$root/sys" ;;
            *) mount --bind "/$fs" "$root/$fs" ;;
        esac
        mounted+=("$root/$fs")
    done
    cp -L /etc/resolv.conf "$root/etc/resolv.conf"
    # The host's own apt settings for reaching the mirror (proxies, clock
    # checks): files no package owns, which a package's conffile cannot
    # clash with.
    for conf in /etc/apt/apt.conf.d/*; do
        if [ -f "$conf" ] && grep -qiE '^\s*Acquire' "$conf" && ! dpkg -S "$conf" >/dev/null 2>&1; then
            cp "$conf" "$root/etc/apt/apt.conf.d/99host-${conf##*/}"
        fi
    done
}

# copy_checkout SRC DEST: the source as committed plus what the working
# tree changed (not build leftovers), what dpkg-source would take from a
# clean checkout, copied to DEST.
copy_checkout() {
    local src=$1 dest=$2
    mkdir -p "$dest"
    (cd "$src" && git ls-files -z --cached --others --exclude-standard \
        | xargs -0 -I{} sh -c '[ -e "{}" ] && printf "%s\0" "{}"' \
        | tar --null -T - -cf -) | tar -C "$dest" -xf -
}
