#!/usr/bin/env python3
"""Writes RESP commands for a mixed benchmark dataset to stdout, for `redis-cli --pipe`.

    gen_dataset.py [keys] [seed]     (default 1,000,000 keys)

Strings of 50–2,000 bytes (half with a TTL), hashes, lists, sets, sorted sets, a few streams,
in namespaces with ids, plus 20 deliberately big keys (strings of 1–4 MB and collections of
20,000–100,000 elements).
"""
import random
import sys

out = sys.stdout.buffer


def command(*args):
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        if not isinstance(arg, bytes):
            arg = str(arg).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
    out.write(b"".join(parts))


def main():
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
    payload = b"x" * 2000
    for index in range(total - 20):
        kind = rng.random()
        if kind < 0.60:
            key = "product:%d" % index if index % 2 else "session:%x" % (index * 2654435761)
            value = payload[: rng.randint(50, 2000)]
            if index % 2:
                command("SET", key, value)
            else:
                command("SET", key, value, "EX", rng.randint(60, 86400))
        elif kind < 0.75:
            command("HSET", "user:%d:profile" % index, "name", "n%d" % index, "email", "e%d@example.com" % index,
                    "visits", rng.randint(1, 999))
        elif kind < 0.85:
            command("RPUSH", "queue:%d" % index, *["job%d" % j for j in range(rng.randint(1, 8))])
        elif kind < 0.93:
            command("SADD", "tags:%d" % index, *["t%d" % j for j in range(rng.randint(1, 8))])
        elif kind < 0.9995:
            args = []
            for j in range(rng.randint(1, 6)):
                args += [rng.randint(0, 1000), "m%d" % j]
            command("ZADD", "rank:%d" % index, *args)
        else:
            command("XADD", "events:%d" % index, "*", "type", "click", "at", index)
    # 20 big keys: the ones a report must find.
    for index in range(5):
        command("SET", "big:blob:%d" % index, b"b" * (1_048_576 * (index + 1) // 1 if index < 4 else 4_194_304))
    for index in range(5):
        size = 20_000 * (index + 1)
        for start in range(0, size, 1000):
            args = []
            for j in range(start, min(size, start + 1000)):
                args += ["f%d" % j, "v"]
            command("HSET", "big:hash:%d" % index, *args)
    for index in range(4):
        size = 25_000 * (index + 1)
        for start in range(0, size, 1000):
            command("RPUSH", "big:list:%d" % index, *["i%d" % j for j in range(start, min(size, start + 1000))])
    for index in range(3):
        size = 30_000 * (index + 1)
        for start in range(0, size, 1000):
            command("SADD", "big:set:%d" % index, *["s%d" % j for j in range(start, min(size, start + 1000))])
    for index in range(3):
        size = 30_000 * (index + 1)
        for start in range(0, size, 1000):
            args = []
            for j in range(start, min(size, start + 1000)):
                args += [j, "z%d" % j]
            command("ZADD", "big:zset:%d" % index, *args)


main()
