// Redis's CRC-64 by folding with carry-less multiplication (PCLMULQDQ), after Gopal et al.,
// "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ Instruction" (Intel, 2009).
//
// In the reflected domain a 16-byte block loaded little-endian holds, in its low quadword H,
// the message's first (highest) 64 coefficients and, in its high quadword L, the next 64. The
// message "R then n blocks" is congruent mod P to H * x^(128n+64) + L * x^(128n) + the blocks,
// so R folds forward by multiplying H and L by those powers of x reduced mod P. A reflected
// carry-less product comes out one bit short, hence the constants x^(128n+63) and x^(128n-1)
// mod P (reflected); they were derived and checked against the bitwise CRC by
// scripts/lib/crc64_constants.py. What remains at the end (one 16-byte remainder and a tail
// under 16 bytes) is finished bit by bit: a few hundred steps per call.

#include "ccrc64.h"

#define POLYNOMIAL 0x95AC9329AC4BC9B5ULL

static uint64_t bitwise(uint64_t crc, const uint8_t *data, size_t length) {
    for (size_t i = 0; i < length; i++) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; bit++) crc = (crc & 1) ? (crc >> 1) ^ POLYNOMIAL : crc >> 1;
    }
    return crc;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

int ccrc64_is_accelerated(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
}

// x^(128n+63) mod P and x^(128n-1) mod P, reflected: {low quadword's multiplier, high's}.
#define FOLD_BY_1 0xd9d7be7d505da32cULL, 0x381d0015c96f4444ULL
#define FOLD_BY_2 0x6ba4d760ab38201eULL, 0xef3d1d18ed889ed2ULL
#define FOLD_BY_3 0xa062b2319d66692fULL, 0x7b3211a760160db8ULL
#define FOLD_BY_4 0xaf86efb16d9ab4fbULL, 0xf49784a634f014e4ULL

__attribute__((target("pclmul,sse4.1"))) static inline __m128i constants(uint64_t low, uint64_t high) {
    return _mm_set_epi64x((long long)high, (long long)low);
}

// `r` carried forward over the distance `k` stands for, plus `next`.
__attribute__((target("pclmul,sse4.1"))) static inline __m128i fold(__m128i r, __m128i k, __m128i next) {
    return _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(r, k, 0x00), _mm_clmulepi64_si128(r, k, 0x11)), next);
}

__attribute__((target("pclmul,sse4.1"))) uint64_t ccrc64_update(uint64_t crc, const uint8_t *data, size_t length) {
    if (length < 64) return bitwise(crc, data, length);
    __m128i r0 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)data), _mm_cvtsi64_si128((long long)crc));
    __m128i r1 = _mm_loadu_si128((const __m128i *)(data + 16));
    __m128i r2 = _mm_loadu_si128((const __m128i *)(data + 32));
    __m128i r3 = _mm_loadu_si128((const __m128i *)(data + 48));
    size_t offset = 64;
    const __m128i by4 = constants(FOLD_BY_4);
    for (; offset + 64 <= length; offset += 64) {
        r0 = fold(r0, by4, _mm_loadu_si128((const __m128i *)(data + offset)));
        r1 = fold(r1, by4, _mm_loadu_si128((const __m128i *)(data + offset + 16)));
        r2 = fold(r2, by4, _mm_loadu_si128((const __m128i *)(data + offset + 32)));
        r3 = fold(r3, by4, _mm_loadu_si128((const __m128i *)(data + offset + 48)));
    }
    // The four remainders into one: each carried past the blocks after it.
    __m128i r = fold(r0, constants(FOLD_BY_3), r3);
    r = fold(r1, constants(FOLD_BY_2), r);
    r = fold(r2, constants(FOLD_BY_1), r);
    const __m128i by1 = constants(FOLD_BY_1);
    for (; offset + 16 <= length; offset += 16) r = fold(r, by1, _mm_loadu_si128((const __m128i *)(data + offset)));
    uint8_t remainder[16];
    _mm_storeu_si128((__m128i *)remainder, r);
    return bitwise(bitwise(0, remainder, 16), data + offset, length - offset);
}

#else

int ccrc64_is_accelerated(void) { return 0; }

uint64_t ccrc64_update(uint64_t crc, const uint8_t *data, size_t length) { return bitwise(crc, data, length); }

#endif
