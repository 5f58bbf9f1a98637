#!/usr/bin/env bash
# Builds the runtime image for one board:
#
#   firmware/build.sh <board-id>          e.g. firmware/build.sh ai_thinker_esp32_cam
#   firmware/build.sh --manifest <board-id> <dir>
#                                         only (re)write <dir>/manifest.json for
#                                         images already in <dir>
#
# Needs ESP-IDF (idf.py on PATH, i.e. `. $IDF_PATH/export.sh`) or its official
# container image:
#
#   docker run --rm -v "$PWD:/project" -w /project espressif/idf:v5.0.9 \
#       firmware/build.sh ai_thinker_esp32_cam
#
# What it does, with no manual step: fetches devicescript-esp32 at the
# pinned revision (DEVICESCRIPT_ESP32_REV below) into firmware/build/,
# adds the camscript drivers (firmware/main/*.c), the contract constants
# generated from services/*.md, and camscript's sdkconfig defaults
# (firmware/idf/sdkconfig.camscript) for the board's chip, builds with
# idf.py, and writes the flashable images and manifest.json to
# firmware/dist/<board-id>/. The manifest (see firmware/README.md, "The
# image manifest") is what `camscript flash --firmware` reads.
#
# It cannot run on the project's development machines (no Xtensa toolchain,
# no network for ESP-IDF): .github/workflows/firmware.yml runs it in CI.
set -euo pipefail

DEVICESCRIPT_ESP32_REPO=https://github.com/microsoft/devicescript-esp32.git
# The devicescript-esp32 revision the image layers on (its Makefile and
# board configs were read at this commit).
DEVICESCRIPT_ESP32_REV=064f2136135b19adc69c24aa9574fbabc8a17fe0
# Flash layout of devicescript-esp32 (its Makefile's `combine`): the
# bootloader at the chip's CONFIG_BOOTLOADER_OFFSET_IN_FLASH, the partition
# table at 0x8000, the application at 0x10000.
PARTITION_TABLE_OFFSET=$((0x8000))
APP_OFFSET=$((0x10000))

usage() {
    echo "usage: firmware/build.sh <board-id>   (boards: $(board_ids))" >&2
    echo "       firmware/build.sh --manifest <board-id> <dir>" >&2
    exit 2
}

die() {
    echo "firmware/build.sh: $*" >&2
    exit 1
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

board_ids() {
    local f ids=()
    for f in "$root"/boards/*.board.json; do
        ids+=("$(basename "$f" .board.json)")
    done
    echo "${ids[*]}"
}

# json_field FILE EXPRESSION: a value of a JSON file, by a JavaScript expression on `b`
json_field() {
    node -e 'const b = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); const v = eval(process.argv[2]); process.stdout.write(v === undefined ? "" : String(v))' "$1" "$2"
}

# The bootloader's place in flash, by chip (CONFIG_BOOTLOADER_OFFSET_IN_FLASH)
bootloader_offset_of() {
    case "$1" in
    esp32) echo $((0x1000)) ;;
    esp32s3) echo 0 ;;
    esac
}

# write_manifest DIR BOARD CHIP BOOTLOADER-OFFSET: DIR/manifest.json for the
# three images in DIR (format: firmware/README.md, "The image manifest")
write_manifest() {
    local dir=$1 f
    for f in bootloader.bin partition-table.bin app.bin; do
        [ -s "$dir/$f" ] || die "$dir/$f is missing or empty"
    done
    cat >"$dir/manifest.json" <<EOF
{
    "board": "$2",
    "chip": "$3",
    "flash": [
        { "offset": $4, "file": "bootloader.bin" },
        { "offset": $PARTITION_TABLE_OFFSET, "file": "partition-table.bin" },
        { "offset": $APP_OFFSET, "file": "app.bin" }
    ]
}
EOF
}

manifest_only=""
if [ "${1:-}" = "--manifest" ]; then
    [ $# -eq 3 ] || usage
    manifest_only=$3
    set -- "$2"
fi
[ $# -eq 1 ] || usage
board=$1
[[ $board =~ ^[a-z0-9_]+$ ]] || die "board id \"$board\" is not a board id (lower-case letters, digits, _): $(board_ids)"
board_file="$root/boards/$board.board.json"
[ -f "$board_file" ] || die "no board \"$board\"; boards: $(board_ids)"

chip=$(json_field "$board_file" 'b.archId')
case "$chip" in
esp32 | esp32s3) ;;
*) die "board $board is a $chip: the image is built for esp32 and esp32s3 only" ;;
esac
wlan=$(json_field "$board_file" '(b.camscript?.interfaces ?? b.interfaces ?? ["wlan"]).includes("wlan") ? 1 : 0')
lan=$(json_field "$board_file" 'b.camscript?.ethernet ? 1 : 0')

if [ -n "$manifest_only" ]; then
    [ -d "$manifest_only" ] || die "no directory $manifest_only"
    write_manifest "$manifest_only" "$board" "$chip" "$(bootloader_offset_of "$chip")"
    exit 0
fi

command -v idf.py >/dev/null || die "idf.py not found: run '. \$IDF_PATH/export.sh' (ESP-IDF 5.0.x), or use the container (see the top of this script)"
constants="$root/.devicescript/c/constants.c"
[ -f "$constants" ] || die "missing $constants: run 'npm ci' first (it generates the contract constants)"

# --- devicescript-esp32 at the pinned revision, with camscript added
work="$root/firmware/build/idf"
src="$work/devicescript-esp32"
if [ ! -d "$src/.git" ]; then
    mkdir -p "$work"
    git clone --quiet "$DEVICESCRIPT_ESP32_REPO" "$src"
fi
git -C "$src" fetch --quiet origin "$DEVICESCRIPT_ESP32_REV" || true
git -C "$src" checkout --quiet --force "$DEVICESCRIPT_ESP32_REV"
git -C "$src" clean --quiet -fdx -e build
git -C "$src" submodule update --quiet --init --recursive

camscript_dir="$src/main/camscript"
mkdir -p "$camscript_dir"
cp "$root"/firmware/main/*.c "$root"/firmware/main/*.h "$root/firmware/idf/camscript_services.c" "$camscript_dir/"
cp "$constants" "$camscript_dir/cam_wifi_station_spec.h"

# The hooks into devicescript-esp32: each edit checks that its anchor exists,
# so a revision that moved it stops the build instead of producing an image
# without the drivers.
hook() { # FILE ANCHOR-REGEX SED-SCRIPT
    grep -Eq "$2" "$1" || die "devicescript-esp32 $DEVICESCRIPT_ESP32_REV: '$2' not found in ${1#"$src"/}"
    sed -i -E "$3" "$1"
}
# the camscript station owns the radio: the stock Jacdac Wi-Fi service goes
hook "$src/main/jd_user_config.h" '^#define JD_WIFI 1' 's/^#define JD_WIFI 1/#define JD_WIFI 0/'
# our services start with the others
hook "$src/main/main.c" '^void app_init_services\(void\) \{' \
    's/^void app_init_services\(void\) \{/void camscript_init_services(void);\nvoid app_init_services(void) {\n    camscript_init_services();/'
# our sources are part of the main component
hook "$src/main/CMakeLists.txt" 'idf_component_register' \
    "s/idf_component_register\\(/file(GLOB CAMSCRIPT_SRCS camscript\\/*.c)\\nidf_component_register(SRCS \${CAMSCRIPT_SRCS} INCLUDE_DIRS camscript /"
echo "target_compile_definitions(\${COMPONENT_LIB} PRIVATE CAMSCRIPT_WLAN=$wlan CAMSCRIPT_LAN=$lan)" >>"$src/main/CMakeLists.txt"

# sdkconfig defaults: devicescript-esp32's for the chip, then camscript's
cat "$src/boards/$chip/sdkconfig.$chip" "$src/boards/sdkconfig.common" "$root/firmware/idf/sdkconfig.camscript" \
    >"$src/sdkconfig.defaults"
rm -f "$src/sdkconfig"

(cd "$src" && idf.py set-target "$chip" && idf.py build)

# --- images and manifest
out="$root/firmware/dist/$board"
rm -rf "$out"
mkdir -p "$out"
build="$src/build"
cp "$build/bootloader/bootloader.bin" "$out/bootloader.bin"
cp "$build/partition_table/partition-table.bin" "$out/partition-table.bin"
app=$(find "$build" -maxdepth 1 -name '*.bin' ! -name '*-flash_args*' -printf '%f\n' | head -n 1)
[ -n "$app" ] || die "no application image in $build"
cp "$build/$app" "$out/app.bin"
bootloader_offset=$(sed -n 's/^CONFIG_BOOTLOADER_OFFSET_IN_FLASH=//p' "$src/sdkconfig")
[ -n "$bootloader_offset" ] || die "CONFIG_BOOTLOADER_OFFSET_IN_FLASH missing from sdkconfig"
[ $((bootloader_offset)) -eq "$(bootloader_offset_of "$chip")" ] ||
    die "the $chip bootloader is at $bootloader_offset in this build, not where flashing expects it"
write_manifest "$out" "$board" "$chip" $((bootloader_offset))
echo "firmware/build.sh: $board ($chip) -> ${out#"$root"/}/manifest.json"
