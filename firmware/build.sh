#!/usr/bin/env bash
# Builds the runtime image for one board:
#
#   firmware/build.sh <board-id>          e.g. firmware/build.sh ai_thinker_esp32_cam
#   firmware/build.sh --manifest <board-id> <dir>
#                                         only (re)write <dir>/manifest.json for
#                                         an image already in <dir>/firmware.bin
#   firmware/build.sh --release-manifest <version> <out-dir> <board-dir>...
#                                         the release's assets: each board's
#                                         image under its release name and
#                                         camscript-firmware.json listing them
#                                         (firmware/README.md, "Release manifest")
#
# Needs ESP-IDF 5.0.5 .. 5.0.x exported (idf.py and esptool.py on PATH,
# IDF_PATH set: `. $IDF_PATH/export.sh`), or its official container:
#
#   docker run --rm -v "$PWD:/project" -w /project espressif/idf:v5.0.5 \
#       bash -c '. $IDF_PATH/export.sh && firmware/build.sh ai_thinker_esp32_cam'
#
# What it does, with no manual step (firmware/README.md, "Building the
# image"): fetches devicescript-esp32 at the pinned revision into
# firmware/build/idf/, adds the camscript drivers and the IDF components
# they need (firmware/idf/idf_component.yml: espressif/esp32-camera, which
# idf.py fetches from the component registry), does what that
# repository's Makefile `prep` does (sdkconfig.defaults, the chip's
# idf_component.yml in main/, build/options.cmake, build/version.c) without
# make, builds with idf.py in a build folder of the target's own (never
# `idf.py set-target`, whose fullclean would delete the generated build/),
# merges the images as its `combine` does, and writes the board
# configuration at 0x9000 as its `ci-patch` does (the DeviceScript CLI's
# `binpatch`). Output: firmware/dist/<board-id>/firmware.bin and
# manifest.json.
#
# For the replay test (test/firmware-build.test.ts) and for a local
# checkout: CAMSCRIPT_DEVICESCRIPT_ESP32=<dir> uses <dir> as the
# devicescript-esp32 tree instead of cloning the pinned revision, and
# CAMSCRIPT_FIRMWARE_DIST=<dir> writes <dir>/<board-id>/ instead of
# firmware/dist/<board-id>/.
set -euo pipefail

DEVICESCRIPT_ESP32_REPO=https://github.com/microsoft/devicescript-esp32.git
# The devicescript-esp32 revision the image layers on: `main` at f6aec45,
# four commits after the last tag v2.16.1 (334b462), with the same
# DeviceScript runtime 2.16.0 (submodule c4e21867: images of version 2.7 to
# 2.16 accepted, the program in the 256 KB `fstor` partition); what it adds
# to v2.16.1 is its CI's ESP-IDF 5.0.5 (b5eea3d, "try to fix build") and the
# ESP32-S3's octal-flash pins (21053fd). Its Makefile, CMakeLists.txt,
# boards/ and workflow were read at this commit.
DEVICESCRIPT_ESP32_REV=f6aec45d0a38e76b0019b975f185033e66e2f85d
DEVICESCRIPT_ESP32_DESCRIBE=v2.16.1-4-gf6aec45 # git describe --tags
# ESP-IDF: what devicescript-esp32's CI builds this revision with
# (.github/workflows/build.yml: esp_idf_version v5.0.5). Patch releases of
# the 5.0 line are accepted; 5.1 and later were never built by upstream.
IDF_FIRST_SUPPORTED=5.0.5
IDF_LINE=5.0
# Flash layout of devicescript-esp32 (Makefile `combine`, boards/partitions.csv):
# the bootloader at the chip's CONFIG_BOOTLOADER_OFFSET_IN_FLASH, the
# partition table at 0x8000, the board configuration (`dcfg`) at 0x9000, the
# application at 0x10000.
PARTITION_TABLE_OFFSET=0x8000
APP_OFFSET=0x10000
IMAGE=firmware.bin
RELEASE_MANIFEST=camscript-firmware.json

usage() {
    echo "usage: firmware/build.sh <board-id>   (boards: $(board_ids))" >&2
    echo "       firmware/build.sh --manifest <board-id> <dir>" >&2
    echo "       firmware/build.sh --release-manifest <version> <out-dir> <board-dir>..." >&2
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

# The bootloader's place in flash, by chip (CONFIG_BOOTLOADER_OFFSET_IN_FLASH;
# devicescript-esp32 boards/<chip>/arch.json `binFlashOffset`)
bootloader_offset_of() {
    case "$1" in
    esp32) echo $((0x1000)) ;;
    esp32s3) echo 0 ;;
    esac
}

# write_manifest DIR BOARD CHIP BOOTLOADER-OFFSET: DIR/manifest.json for the
# merged image in DIR (format: firmware/README.md, "The image manifest")
write_manifest() {
    local dir=$1
    [ -s "$dir/$IMAGE" ] || die "$dir/$IMAGE is missing or empty"
    cat >"$dir/manifest.json" <<EOF
{
    "board": "$2",
    "chip": "$3",
    "flash": [{ "offset": $4, "file": "$IMAGE" }]
}
EOF
}

# release_manifest VERSION OUT-DIR BOARD-DIR...: copies each board's image
# to OUT-DIR under its release name and writes OUT-DIR/camscript-firmware.json
release_manifest() {
    local version=$1 out=$2
    shift 2
    [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([-.+][0-9A-Za-z.-]+)?$ ]] || die "version \"$version\" is not a version like 1.2.3"
    [ $# -ge 1 ] || usage
    mkdir -p "$out"
    node - "$version" "$out" "$DEVICESCRIPT_ESP32_REV" "$IDF_FIRST_SUPPORTED" "$@" <<'EOF'
const fs = require("fs"), path = require("path"), crypto = require("crypto")
const [version, out, rev, idf, ...dirs] = process.argv.slice(2)
const fail = (m) => { console.error("firmware/build.sh: " + m); process.exit(1) }
const boards = []
for (const dir of dirs) {
    const m = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"))
    if (!/^[a-z0-9_]+$/.test(m.board ?? "")) fail(`${dir}/manifest.json: no board id`)
    if (boards.some((b) => b.board === m.board)) fail(`board ${m.board} given twice`)
    const files = m.flash.map(({ offset, file }) => {
        const name = `camscript-${version}-${m.board}-0x${offset.toString(16)}.bin`
        const data = fs.readFileSync(path.join(dir, file))
        fs.writeFileSync(path.join(out, name), data)
        const sha256 = crypto.createHash("sha256").update(data).digest("hex")
        return { name, offset, size: data.length, sha256 }
    })
    boards.push({ board: m.board, chip: m.chip, files })
}
const manifest = {
    format: 1,
    camscript: version,
    runtime: { devicescriptEsp32: rev, devicescript: "2.16.0", espIdf: process.env.CAMSCRIPT_IDF_VERSION || idf },
    boards,
}
fs.writeFileSync(path.join(out, "camscript-firmware.json"), JSON.stringify(manifest, null, 4) + "\n")
EOF
    echo "firmware/build.sh: $# board(s) -> $out/$RELEASE_MANIFEST"
}

# idf_version: the exported ESP-IDF's version, MAJOR.MINOR.PATCH, from its
# own header (components/esp_common/include/esp_idf_version.h)
idf_version() {
    local header="${IDF_PATH:-}/components/esp_common/include/esp_idf_version.h" part v=()
    if [ -z "${IDF_PATH:-}" ] || [ ! -f "$header" ]; then
        die "IDF_PATH does not name an ESP-IDF (no $header): run '. \$IDF_PATH/export.sh'"
    fi
    for part in MAJOR MINOR PATCH; do
        v+=("$(sed -n "s/^#define ESP_IDF_VERSION_${part}[[:space:]]*\([0-9]*\).*/\1/p" "$header")")
    done
    if [ -z "${v[0]}" ] || [ -z "${v[1]}" ] || [ -z "${v[2]}" ]; then
        die "cannot read the ESP-IDF version from $header"
    fi
    echo "${v[0]}.${v[1]}.${v[2]}"
}

# check_idf_version VERSION: the pinned devicescript-esp32 is built with 5.0.x
# from 5.0.5 (esp_eap_client.h and WIFI_AUTH_WPA3_ENT_192 exist from there)
check_idf_version() {
    local major minor patch
    IFS=. read -r major minor patch <<<"$1"
    if [ "$major.$minor" != "$IDF_LINE" ] || [ "$patch" -lt "${IDF_FIRST_SUPPORTED##*.}" ]; then
        die "ESP-IDF v$1 is not supported: the first supported is v$IDF_FIRST_SUPPORTED, and the $IDF_LINE line up to its last patch release (devicescript-esp32 ${DEVICESCRIPT_ESP32_REV:0:7} is built with v$IDF_FIRST_SUPPORTED by its CI; use the container espressif/idf:v$IDF_FIRST_SUPPORTED)"
    fi
}

if [ "${1:-}" = "--release-manifest" ]; then
    [ $# -ge 4 ] || usage
    shift
    release_manifest "$@"
    exit 0
fi

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
camera=$(json_field "$board_file" 'b.camscript?.camera?.sensor ? 1 : 0')

if [ -n "$manifest_only" ]; then
    [ -d "$manifest_only" ] || die "no directory $manifest_only"
    write_manifest "$manifest_only" "$board" "$chip" "$(bootloader_offset_of "$chip")"
    exit 0
fi

command -v idf.py >/dev/null || die "idf.py not found: run '. \$IDF_PATH/export.sh' (ESP-IDF v$IDF_FIRST_SUPPORTED), or use the container (see the top of this script)"
idf=$(idf_version)
check_idf_version "$idf"
command -v esptool.py >/dev/null || die "esptool.py not found: it comes with ESP-IDF's export.sh"
constants="$root/.devicescript/c/constants.c"
[ -f "$constants" ] || die "missing $constants: run 'npm ci' first (it generates the contract constants)"
devs_cli="$root/node_modules/@devicescript/cli/built/devicescript-cli.cjs"
[ -f "$devs_cli" ] || die "missing $devs_cli: run 'npm ci' first (binpatch writes the board configuration)"
camscript_version=$(json_field "$root/package.json" 'b.version')

# --- devicescript-esp32 at the pinned revision, with camscript added
if [ -n "${CAMSCRIPT_DEVICESCRIPT_ESP32:-}" ]; then
    src=$(cd "$CAMSCRIPT_DEVICESCRIPT_ESP32" && pwd)
    echo "firmware/build.sh: using $src as devicescript-esp32 (not checked against ${DEVICESCRIPT_ESP32_REV:0:7})"
    [ ! -d "$src/main/camscript" ] || die "$src/main/camscript exists: give a fresh tree (the hooks below are applied once)"
else
    src="$root/firmware/build/idf/devicescript-esp32"
    if [ ! -d "$src/.git" ]; then
        mkdir -p "$(dirname "$src")"
        git clone --quiet "$DEVICESCRIPT_ESP32_REPO" "$src"
    fi
    git -C "$src" fetch --quiet origin "$DEVICESCRIPT_ESP32_REV" || true
    git -C "$src" checkout --quiet --force "$DEVICESCRIPT_ESP32_REV"
    git -C "$src" clean --quiet -fdx
    git -C "$src" submodule update --quiet --init --recursive
fi

camscript_dir="$src/main/camscript"
mkdir -p "$camscript_dir"
cp "$root"/firmware/main/*.c "$root"/firmware/main/*.h "$root/firmware/idf/camscript_services.c" "$camscript_dir/"
cp "$constants" "$camscript_dir/cam_wifi_station_spec.h"

# The hooks into devicescript-esp32: each edit checks that its anchor exists,
# so a revision that moved it stops the build instead of producing an image
# without the drivers.
hook() { # FILE ANCHOR-REGEX SED-SCRIPT
    grep -Eq "$2" "$1" || die "devicescript-esp32 ${DEVICESCRIPT_ESP32_REV:0:7}: '$2' not found in ${1#"$src"/}"
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
echo "target_compile_definitions(\${COMPONENT_LIB} PRIVATE CAMSCRIPT_WLAN=$wlan CAMSCRIPT_LAN=$lan CAMSCRIPT_CAMERA=$camera)" >>"$src/main/CMakeLists.txt"

# --- devicescript-esp32's Makefile `prep`, without make
# sdkconfig defaults: the chip's, the common ones, then camscript's
for f in "$src/boards/$chip/sdkconfig.$chip" "$src/boards/sdkconfig.common"; do
    [ -f "$f" ] || die "devicescript-esp32 ${DEVICESCRIPT_ESP32_REV:0:7}: ${f#"$src"/} is missing"
done
cat "$src/boards/$chip/sdkconfig.$chip" "$src/boards/sdkconfig.common" "$root/firmware/idf/sdkconfig.camscript" \
    >"$src/sdkconfig.defaults"
grep -q "^CONFIG_IDF_TARGET=\"$chip\"" "$src/sdkconfig.defaults" ||
    die "devicescript-esp32 ${DEVICESCRIPT_ESP32_REV:0:7}: boards/$chip/sdkconfig.$chip does not set CONFIG_IDF_TARGET=\"$chip\""
# the component manifest: the chip's own, else the common one (the
# ESP32-S3's brings espressif/esp_tinyusb for main/usb.c)
component=""
for f in "$src/boards/$chip/idf_component.yml" "$src/boards/idf_component.yml"; do
    if [ -f "$f" ]; then
        component=$f
        break
    fi
done
[ -n "$component" ] || die "devicescript-esp32 ${DEVICESCRIPT_ESP32_REV:0:7}: no idf_component.yml for $chip"
cp "$component" "$src/main/idf_component.yml"
# camscript's own components (firmware/idf/idf_component.yml: esp32-camera
# for cam_camera.c, compiled on every board, started where the board file
# has a camera) join the chip's under its `dependencies:`
camscript_deps=$(sed -n '/^dependencies:/,$p' "$root/firmware/idf/idf_component.yml" | sed '1d' | grep -v '^ *#' | sed 's/^ *//')
[ -n "$camscript_deps" ] || die "firmware/idf/idf_component.yml lists no dependencies"
manifest="$src/main/idf_component.yml"
if grep -q '^dependencies:' "$manifest"; then
    # at the indentation of the chip's own entries (YAML wants one per level)
    indent=$(sed -n '/^dependencies:/{n;s/^\( *\).*/\1/p;q}' "$manifest")
    awk -v deps="$camscript_deps" -v indent="${indent:-  }" \
        '{ print } /^dependencies:/ { n = split(deps, d, "\n"); for (i = 1; i <= n; i++) print indent d[i] }' \
        "$manifest" >"$manifest.tmp"
    mv "$manifest.tmp" "$manifest"
else
    printf 'dependencies:\n' >>"$manifest"
    printf '  %s\n' "$camscript_deps" >>"$manifest"
fi
# the files its CMakeLists.txt reads from build/ (the top one includes
# build/options.cmake, main/ compiles ../build/version.c)
mkdir -p "$src/build"
echo 'idf_build_set_property(COMPILE_OPTIONS "" APPEND)' >"$src/build/options.cmake"
echo "const char app_fw_version[] = \"$DEVICESCRIPT_ESP32_DESCRIBE+camscript.$camscript_version\";" >"$src/build/version.c"

# --- build, in a folder of the target's own. No `idf.py set-target`: it
# runs fullclean first, which deletes (or refuses) a build folder. The target
# comes from CONFIG_IDF_TARGET in sdkconfig.defaults (idf.py reads it when
# there is no sdkconfig and no CMakeCache.txt) and is also given explicitly.
build="$src/build-$chip"
rm -rf "$build" "$src/sdkconfig"
(cd "$src" && idf.py -B "$build" -DIDF_TARGET="$chip" build)

# --- devicescript-esp32's `combine` and `ci-patch`
bootloader_offset=$(sed -n 's/^CONFIG_BOOTLOADER_OFFSET_IN_FLASH=//p' "$src/sdkconfig")
[ -n "$bootloader_offset" ] || die "CONFIG_BOOTLOADER_OFFSET_IN_FLASH missing from sdkconfig"
[ $((bootloader_offset)) -eq "$(bootloader_offset_of "$chip")" ] ||
    die "the $chip bootloader is at $bootloader_offset in this build, not where flashing expects it"
for f in bootloader/bootloader.bin partition_table/partition-table.bin espjd.bin espjd.elf; do
    [ -s "$build/$f" ] || die "the build did not produce ${build#"$src"/}/$f"
done
esptool.py --chip "$chip" merge_bin -o "$build/combined.bin" --target-offset "$bootloader_offset" \
    "$bootloader_offset" "$build/bootloader/bootloader.bin" \
    "$PARTITION_TABLE_OFFSET" "$build/partition_table/partition-table.bin" \
    "$APP_OFFSET" "$build/espjd.bin"

# The board configuration at 0x9000 (`dcfg` in boards/partitions.csv), as
# `make ci-patch` writes it: binpatch compiles the board file next to the
# chip's arch.json and writes it into the merged image. Our board files carry
# camscript's own section, which DeviceScript's board compiler does not know
# (it refuses keys longer than 15 characters): it is left out of the copy.
patch="$build/binpatch"
rm -rf "$patch"
mkdir -p "$patch/boards" "$patch/out"
cp "$src/boards/$chip/arch.json" "$patch/boards/arch.json"
# shellcheck disable=SC2016 # JavaScript, not shell: $schema is a JSON key
node -e 'const fs = require("fs"); const b = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); delete b.camscript; delete b.$schema; fs.writeFileSync(process.argv[2], JSON.stringify(b, null, 4))' \
    "$board_file" "$patch/boards/$board.board.json"
node "$devs_cli" binpatch --bin "$build/combined.bin" --elf "$build/espjd.elf" --outdir "$patch/out" \
    "$patch/boards/$board.board.json"
patched="$patch/out/devicescript-$chip-$board-0x$(printf '%x' $((bootloader_offset))).bin"
[ -s "$patched" ] || die "binpatch did not write $patched"

# --- image and manifest
out="${CAMSCRIPT_FIRMWARE_DIST:-$root/firmware/dist}/$board"
rm -rf "$out"
mkdir -p "$out"
cp "$patched" "$out/$IMAGE"
write_manifest "$out" "$board" "$chip" $((bootloader_offset))
echo "firmware/build.sh: $board ($chip, ESP-IDF v$idf) -> ${out#"$root"/}/manifest.json"
