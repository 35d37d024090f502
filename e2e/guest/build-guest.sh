#!/usr/bin/env bash
# Build the tiny bootable guest ISO used by Hivedesk's integration/e2e tests:
# Debian cloud kernel + busybox initramfs with a root shell on ttyS0 and one on
# the screen (tty1).
#
#   bash e2e/guest/build-guest.sh [OUTDIR]     (default: <repo>/.cache/guest)
#
# Prints the ISO path (OUTDIR/tiny.iso) as the last stdout line.
# Needs: apt (for apt-get download), busybox-static, cpio, grub-pc-bin,
# grub-common, xorriso, mtools. Installs nothing on the host.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
outdir=${1:-$repo/.cache/guest}
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
iso=$outdir/tiny.iso
init=$here/init

# Cached: rebuild only when this script or the guest's /init changed.
if [[ -f $iso && $iso -nt ${BASH_SOURCE[0]} && $iso -nt $init ]]; then
    echo "$iso"
    exit 0
fi

# Temp dir inside OUTDIR so the final mv is an atomic rename on one filesystem.
tmp=$(mktemp -d "$outdir/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM  # make sure the EXIT trap cleans up on signals too

log() { echo "build-guest: $*" >&2; }

for tool in apt-get dpkg-deb cpio gzip grub-mkrescue xorriso mformat; do
    command -v "$tool" >/dev/null || { log "missing $tool (see Needs: above)"; exit 1; }
done
[[ -d /usr/lib/grub/i386-pc ]] || { log "missing grub-pc-bin"; exit 1; }

# --- kernel ------------------------------------------------------------------
# Reuse a previously downloaded kernel .deb so reruns stay offline. (Delete it
# from OUTDIR to pick up a newer Debian kernel.)
deb=$(ls -t "$outdir"/linux-image-*-cloud-amd64_*.deb 2>/dev/null | head -n1 || true)
if [[ -z $deb ]]; then
    # The metapackage only depends on the real, versioned kernel package.
    resolve() {
        apt-cache depends linux-image-cloud-amd64 2>/dev/null |
            awk '$1 == "Depends:" && $2 ~ /^linux-image-.*-cloud-amd64$/ { print $2; exit }'
    }
    download() {
        # Sandbox::User=root: our 0700 temp dir is not writable by _apt, which
        # would otherwise only produce a noisy "unsandboxed download" warning.
        (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$1" >&2)
    }
    pkg=$(resolve || true)
    if [[ -z $pkg ]] || ! download "$pkg"; then
        log "apt lists missing or stale; running apt-get update once"
        apt-get update -q >&2
        pkg=$(resolve)
        [[ -n $pkg ]] || { log "cannot resolve linux-image-cloud-amd64"; exit 1; }
        download "$pkg"
    fi
    deb=$(ls "$tmp"/"$pkg"_*.deb)
    mv "$deb" "$outdir/"
    deb=$outdir/$(basename "$deb")
fi
log "kernel package: $(basename "$deb")"
dpkg-deb -x "$deb" "$tmp/pkg"
kernel=$(ls "$tmp"/pkg/boot/vmlinuz-*)
kver=${kernel##*/vmlinuz-}
moddir=$tmp/pkg/lib/modules/$kver

# --- initramfs ---------------------------------------------------------------
root=$tmp/root
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,etc,lib/modules,root,tmp}
busybox=$(dpkg -L busybox-static | grep '/bin/busybox$')
cp "$busybox" "$root/bin/busybox"
install -m 0755 "$init" "$root/init"

# ACPI power button -> input event (button) -> /dev/input/event* (evdev) -> acpid.
# Both are =m in the cloud kernel; built-in (=y) ones need nothing. The .deb
# ships no modules.dep (depmod runs at install time), so read each module's own
# "depends=" from its .modinfo and number the copies so deps sort (load) first.
n=0
declare -A copied=()
add_module() { # $1 = module name
    local name=$1 file dep
    [[ -n ${copied[$name]:-} ]] && return 0
    file=$(find "$moddir/kernel" \( -name "$name.ko" -o -name "${name//_/-}.ko" \) -print -quit)
    [[ -n $file ]] || { log "module $name not found in $kver"; exit 1; }
    for dep in $(tr '\0' '\n' <"$file" | sed -n 's/^depends=//p' | tr ',' ' '); do
        add_module "$dep"
    done
    copied[$name]=1
    cp "$file" "$root/lib/modules/$(printf '%02d' $n)-$name.ko"
    n=$((n + 1))
}
config=$tmp/pkg/boot/config-$kver
for opt in INPUT_EVDEV:evdev ACPI_BUTTON:button; do
    if grep -q "^CONFIG_${opt%%:*}=m" "$config"; then add_module "${opt##*:}"; fi
done
log "modules: $(ls "$root/lib/modules" | tr '\n' ' ')"

# -R 0:0 so files are root-owned in the guest even when built as non-root.
(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -9 >"$tmp/initrd.gz"

# --- ISO ---------------------------------------------------------------------
iso_root=$tmp/iso
mkdir -p "$iso_root/boot/grub"
cp "$kernel" "$iso_root/boot/vmlinuz"
cp "$tmp/initrd.gz" "$iso_root/boot/initrd.gz"
# GRUB and the kernel talk on the serial port and on the screen (VGA text),
# which the display tests read. /dev/console is the last console= (ttyS0), so
# the serial shell and the console tests are as before; consoleblank=0 keeps
# the screen from going black while a test looks at it. Boot-time choices,
# measured under TCG (no KVM):
# - linux16, not linux: GRUB's 32-bit loader stages the kernel at 1 MiB and
#   then moves all of init_size (~54 MB) to 16 MiB with a byte-wise backward
#   "rep movsb", which TCG runs at ~20 MB/s: ~2.7 s. linux16 boots in place.
# - cryptomgr.notests: skips the crypto self-tests; their RSA test vectors
#   (run when the built-in X.509 certs are loaded) cost ~0.5 s of bignum math.
# - quiet: fewer console writes; panic=-1: reboot instead of hanging on panic.
cat >"$iso_root/boot/grub/grub.cfg" <<'EOF'
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
menuentry "Hivedesk test guest" {
    linux16 /boot/vmlinuz console=tty0 console=ttyS0,115200 consoleblank=0 quiet panic=-1 cryptomgr.notests
    initrd16 /boot/initrd.gz
}
EOF
# BIOS-only (i386-pc); grub-mkrescue drives xorriso and mtools (mformat).
grub-mkrescue -d /usr/lib/grub/i386-pc --compress=xz \
    --fonts= --locales= --themes= \
    -o "$tmp/tiny.iso" "$iso_root" >"$tmp/mkrescue.log" 2>&1 ||
    { cat "$tmp/mkrescue.log" >&2; exit 1; }

mv "$tmp/tiny.iso" "$iso"
log "built $(du -h "$iso" | cut -f1) ISO"
echo "$iso"
