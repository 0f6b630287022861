#!/usr/bin/env bash
# Installs what the libvirt integration tests need, only when missing (Debian 12):
#   libvirt-clients  virsh (the test:/// driver runs inside the client library, no daemon needed)
#                    and virt-xml-validate with libvirt's RelaxNG schemas
#   libxml2-utils    xmllint, which virt-xml-validate runs
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v virsh >/dev/null || missing+=(libvirt-clients)
command -v virt-xml-validate >/dev/null || missing+=(libvirt-clients)
command -v xmllint >/dev/null || missing+=(libxml2-utils)
[ ${#missing[@]} -eq 0 ] && exit 0

mapfile -t pkgs < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "libvirt-deps.sh: installing ${pkgs[*]}" >&2
apt_install() {
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
    --no-install-recommends "${pkgs[@]}" >&2
}
apt_install || { as_root apt-get -o DPkg::Lock::Timeout=600 update -q >&2; apt_install; }
