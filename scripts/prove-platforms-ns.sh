#!/usr/bin/env bash
# Helper of scripts/prove-platforms.sh: runs one command inside a throw-away user + mount
# namespace, so that nothing it sets up is seen by the host or outlives the command.
#
#   unshare --user --map-root-user --mount --propagation private \
#     bash scripts/prove-platforms-ns.sh [--binfmt MNT QEMU] [--root DIR --wd DIR [--bind PATH]... [--bind-ro PATH]...] -- CMD...
#
#   --binfmt MNT QEMU   mounts a binfmt_misc instance at MNT (Linux ≥ 6.7 gives each user namespace
#                       its own) and registers QEMU (a static qemu-aarch64) for aarch64 ELF files,
#                       with the F flag (the interpreter is opened now, so it also works in DIR).
#                       An arm64 process can then start arm64 children through process.execPath.
#   --root DIR          runs CMD with DIR as its root directory (a musl root built by the caller under
#                       its cache folder: /lib/ld-musl-*.so.1, /usr/bin/ldd, the Node builds).
#                       /dev and /proc are bound into it; --bind/--bind-ro PATH binds PATH at the same
#                       path inside (read-only for --bind-ro); --wd is the working directory there.
#
# The mounts and the binfmt registration belong to the namespace and vanish with it; the host's /lib,
# /proc/sys/fs/binfmt_misc and mount table are never touched.
set -euo pipefail

BINFMT_MNT="" QEMU="" ROOTFS="" WD="/"
declare -a BINDS=() BINDS_RO=()
while [ $# -gt 0 ]; do
  case "$1" in
    --binfmt) BINFMT_MNT="$2" QEMU="$3"; shift 3 ;;
    --root) ROOTFS="$2"; shift 2 ;;
    --wd) WD="$2"; shift 2 ;;
    --bind) BINDS+=("$2"); shift 2 ;;
    --bind-ro) BINDS_RO+=("$2"); shift 2 ;;
    --) shift; break ;;
    *) echo "prove-platforms-ns: unknown option $1" >&2; exit 2 ;;
  esac
done
[ $# -gt 0 ] || { echo "prove-platforms-ns: no command" >&2; exit 2; }

if [ -n "$BINFMT_MNT" ]; then
  mkdir -p "$BINFMT_MNT"
  mount -t binfmt_misc none "$BINFMT_MNT"
  # ELF header of an aarch64 executable or shared object: 64-bit, little endian, e_machine 183
  # (0xb7); the mask ignores the OS ABI byte and the low bit of e_type (EXEC or DYN).
  magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00'
  mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
  printf '%s' ":prove-aarch64:M::$magic:$mask:$QEMU:F" >"$BINFMT_MNT/register"
fi

if [ -z "$ROOTFS" ]; then
  cd "$WD"
  exec "$@"
fi

mount --rbind /dev "$ROOTFS/dev"
mount --bind /proc "$ROOTFS/proc"
for p in "${BINDS_RO[@]}" "${BINDS[@]}"; do
  mkdir -p "$ROOTFS$p"
  mount --bind "$p" "$ROOTFS$p"
done
for p in "${BINDS_RO[@]}"; do mount -o remount,bind,ro "$ROOTFS$p"; done
exec unshare --root="$ROOTFS" --wd="$WD" "$@"
