#!/usr/bin/env bash
# Install the Debian packages Shuzhi needs to build, run and test.
# Idempotent and quiet when nothing is missing.
set -euo pipefail

pkgs=(
	build-essential pkg-config clang libclang-rt-14-dev clang-format
	libzip-dev libxml2-dev libxml2-utils libjansson-dev libpcre2-dev
	python3 python3-lxml python3-docx
	libreoffice-writer-nogui poppler-utils fonts-noto-cjk
	zip unzip
	libsqlite3-dev libsodium-dev sqlite3
	libevent-dev curl
)

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "安装缺少的软件包: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
