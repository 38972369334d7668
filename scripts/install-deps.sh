#!/usr/bin/env bash
# Install the Debian packages Shuzhi needs to build, run and test.
# Idempotent and quiet when nothing is missing.
set -euo pipefail

# fonts-liberation2: metric-compatible Times New Roman / Arial / Courier New, so
# LibreOffice lays out what we write as Word does (without it, DejaVu stands in
# and wider Latin text wraps: e.g. a drill script's "T+00:00" time column).
pkgs=(
	build-essential pkg-config clang libclang-rt-14-dev clang-format
	libzip-dev zlib1g-dev libdeflate-dev libxml2-dev libxml2-utils libjansson-dev libpcre2-dev
	python3 python3-lxml python3-docx python3-jieba
	libreoffice-writer-nogui libreoffice-impress-nogui libreoffice-calc-nogui poppler-utils fonts-noto-cjk fonts-liberation2
	zip unzip
	libsqlite3-dev libsodium-dev sqlite3
	libevent-dev curl libcurl4-openssl-dev
	libicu-dev
	chromium
)
# node/npm may come from elsewhere (NodeSource's nodejs carries npm; Debian's
# npm would conflict with it): ask Debian only when there is no npm at all.
command -v npm >/dev/null || pkgs+=(nodejs npm)

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -gt 0 ]; then
	echo "安装缺少的软件包: ${missing[*]}"
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# playwright-core for tests/browser (pinned by its package-lock.json).
cd "$(dirname "$0")/.."
if [ ! -d tests/browser/node_modules/playwright-core ]; then
	echo "安装 tests/browser 的 npm 依赖"
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error >/dev/null
fi
