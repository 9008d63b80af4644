#!/usr/bin/env python3
"""Derives the folding constants of Sources/CCRC64 (Redis's CRC-64: the Jones polynomial,
reflected, no final XOR) and checks the folding scheme against the bitwise CRC on random data,
with a software carry-less multiply. Prints, for folding distances of 1-4 and 8 blocks of 16
bytes, the reflected x^(128n+63) mod P (the low quadword's multiplier) and x^(128n-1) mod P (the
high quadword's).

    python3 scripts/lib/crc64_constants.py
"""
import random
P = (1 << 64) | 0xad93d23594c935a9   # normal form
def reflect(v, bits=64):
    r = 0
    for i in range(bits):
        if v >> i & 1: r |= 1 << (bits - 1 - i)
    return r
def xpow_mod(n):
    r = 1
    for _ in range(n):
        r <<= 1
        if r >> 64 & 1: r ^= P
    return r
RP = 0x95AC9329AC4BC9B5
def crc_bytes(crc, data):
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ RP if crc & 1 else crc >> 1
    return crc
def clmul(a, b):
    r = 0
    for i in range(64):
        if b >> i & 1: r ^= a << i
    return r
def fold_crc(crc, data, dist_blocks=1):
    # fold by 1, 16-byte blocks
    kH = reflect(xpow_mod(128 * dist_blocks + 64 - 1))
    kL = reflect(xpow_mod(128 * dist_blocks - 1))
    n = len(data) // 16 * 16
    if n < 16: return crc_bytes(crc, data)
    R = int.from_bytes(data[0:16], 'little') ^ crc
    for off in range(16, n, 16):
        H = R & ((1 << 64) - 1); L = R >> 64
        R = clmul(H, kH) ^ clmul(L, kL) ^ int.from_bytes(data[off:off+16], 'little')
    c = crc_bytes(0, R.to_bytes(16, 'little'))
    return crc_bytes(c, data[n:])
rng = random.Random(1)
for length in [0, 5, 16, 17, 32, 100, 1000]:
    data = bytes(rng.randrange(256) for _ in range(length))
    init = rng.getrandbits(64)
    assert fold_crc(init, data) == crc_bytes(init, data), length
print("fold-by-1 agrees with the bitwise CRC")
assert crc_bytes(0, b"123456789") == 0xe9c6d914c4b8d9ca
for d in [1, 2, 3, 4, 8]:
    print(d, hex(reflect(xpow_mod(128 * d + 64 - 1))), hex(reflect(xpow_mod(128 * d - 1))))
