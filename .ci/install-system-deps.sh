#!/usr/bin/env bash
# Installs the Debian packages labatlas needs; safe to run again (installs only what is missing).
#   default-jre-headless      Java runtime for the HermiT reasoner (owlready2)
#   raptor2-utils             `rapper`, an independent RDF parser the tests check exports with
#   chromium                  headless browser the page tests drive (through Playwright)
#   fonts-dejavu-core         fonts for pages and figures rendered here
#   virtuoso-opensource-7-bin a real SPARQL store the publishing tests start on 127.0.0.1
set -euo pipefail
packages=(default-jre-headless raptor2-utils chromium fonts-dejavu-core virtuoso-opensource-7-bin)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present (${packages[*]})"
  exit 0
fi
echo "system packages: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
