#!/bin/sh
# Runs inside the dom0 root file system (chroot, with /proc, /sys and /dev bound) during
# `pnpm lab build`. The host has already written /etc/apt/sources.list (host mirrors + security)
# and copied recipe/rootfs/ over the tree. Everything here must be idempotent and non-interactive.
set -eu
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin

# No service may start inside the chroot.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
chmod 0755 /usr/sbin/policy-rc.d

apt-get update
# Bring the Xen tools up to the security suite so they match the hypervisor installed below.
apt-get -y -o Dpkg::Options::=--force-confold dist-upgrade
apt-get -y -o Dpkg::Options::=--force-confold --no-install-recommends install \
  linux-image-amd64 initramfs-tools xen-hypervisor-4.17-amd64 ipxe

# Root: no password on the console (autologin on hvc0), key-only over ssh.
passwd -d root
echo xendeck-lab > /etc/hostname
printf '127.0.0.1\tlocalhost\n127.0.1.1\txendeck-lab\n' > /etc/hosts

chmod 0755 /etc/systemd/system-generators/xendeck-lab-generator /usr/local/sbin/xendeck-lab-vg
systemctl enable xendeck-lab-vg.service ssh.service networking.service

# The run share (mounted by the generator) carries the host's node binary.
mkdir -p /var/lib/xendeck-lab/run /var/lib/xendeck-lab/guests /var/lib/xendeck-lab/iso /var/lib/xendeck
ln -sf /var/lib/xendeck-lab/run/node /usr/local/bin/node

# Guest assets: the PV guest boots dom0's own kernel; the HVM guest boots Debian's iPXE ISO.
kernel=$(ls /boot/vmlinuz-* | sort -V | tail -n 1)
cp "$kernel" /var/lib/xendeck-lab/guests/vmlinuz
cp /usr/lib/ipxe/ipxe.iso /var/lib/xendeck-lab/iso/ipxe.iso

# xenconsoled logs each guest's console to guest-<name>.log here (XENCONSOLED_ARGS, drop-in on
# xen.service), but only when the directory exists: it never creates it and logs nothing without.
install -d -m 2755 -g adm /var/log/xen/console

# Record what was installed (read by the host into the image's manifest).
dpkg-query -W -f '${Package}=${Version}\n' xen-utils-4.17 xen-hypervisor-4.17-amd64 \
  linux-image-amd64 qemu-system-xen > /var/lib/xendeck-lab/versions.txt

rm -f /usr/sbin/policy-rc.d
rm -rf /var/lib/apt/lists/* /tmp/* /var/tmp/*
