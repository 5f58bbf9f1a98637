// The checks every host test of the firmware uses: counted, and reported
// with file:line on failure. Each test's main() prints the counts and exits
// non-zero when `failures` is not 0.
#ifndef CAM_TEST_CHECK_H
#define CAM_TEST_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

static int failures;
static int checks;

#define CHECK_EQ(actual, expected, what)                                                           \
    do {                                                                                           \
        long actual_ = (long)(actual), expected_ = (long)(expected);                               \
        ++checks;                                                                                  \
        if (actual_ != expected_) {                                                                \
            ++failures;                                                                            \
            fprintf(stderr, "%s:%d: %s: got %ld, expected %ld\n", __FILE__, __LINE__, (what),      \
                    actual_, expected_);                                                           \
        }                                                                                          \
    } while (0)

#define CHECK(cond, what) CHECK_EQ((cond) ? 1 : 0, 1, what)

// Packet bytes against what DeviceScript's jdpack produces; reports the first difference.
static inline void check_bytes(const uint8_t *actual, size_t actual_size, const uint8_t *expected,
                               size_t expected_size, const char *what) {
    CHECK_EQ(actual_size, expected_size, what);
    size_t n = actual_size < expected_size ? actual_size : expected_size;
    for (size_t i = 0; i < n; ++i) {
        if (actual[i] != expected[i]) {
            ++failures;
            fprintf(stderr, "%s: byte %zu is 0x%02x, expected 0x%02x\n", what, i, actual[i],
                    expected[i]);
            return;
        }
    }
    ++checks;
}

// a.b.c.d as the contracts' u32
static inline uint32_t ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
    return ((uint32_t)a << 24) | ((uint32_t)b << 16) | ((uint32_t)c << 8) | d;
}

#endif
