#ifndef CCRC64_H
#define CCRC64_H

#include <stddef.h>
#include <stdint.h>

/// Whether this processor carries out `ccrc64_update` with carry-less multiplication (x86-64
/// with PCLMULQDQ); when it does not, the caller keeps to its own tables.
int ccrc64_is_accelerated(void);

/// Redis's CRC-64 (the Jones polynomial, reflected, no final XOR) of `crc` followed by `length`
/// bytes at `data`, by folding 64 bytes at a time with carry-less multiplication. Only call it
/// when `ccrc64_is_accelerated()` says so.
uint64_t ccrc64_update(uint64_t crc, const uint8_t *data, size_t length);

#endif
