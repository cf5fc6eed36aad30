#!/usr/bin/env bash
# Installs what the browser tests need: Debian's Chromium (the tests drive /usr/bin/chromium) and a
# CJK font so that screenshots of the (Chinese by default) console are legible.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium chromium-driver)
if ! fc-list 2>/dev/null | grep -qiE "wqy|noto sans cjk|noto serif cjk"; then
  missing+=(fonts-wqy-microhei)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing for the browser tests: ${missing[*]}; run 'sudo apt-get install ${missing[*]}'" >&2
    # Chromium is required (the browser tests fail without it); a missing font only blurs screenshots.
    command -v chromium >/dev/null 2>&1 || exit 1
    exit 0
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
