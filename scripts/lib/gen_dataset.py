#!/usr/bin/env python3
"""Writes RESP commands for a production-like cache dataset to stdout, for `redis-cli --pipe`.

    gen_dataset.py [keys] [seed] [values]     (default 1,000,000 keys, seed 7, values "filler")

values: "filler" repeats one byte (the default: what the other benchmarks were measured with;
LZF shrinks it ~30x in a dump), "json" takes slices of JSON-like records made of random words
and numbers, which compress about as much as real cached documents do (~2x).

What a real cache looks like, not a friendly one:
- TTLs log-spread from 1 minute to 60 days; about 40 % of keys without one;
- about 70 % strings of 50 B-2 KB (log-uniform), hashes of 3-300 fields, lists, sets and
  sorted sets of 1-200 elements, a few streams;
- namespaces with numeric, hex and UUID ids (`session:<uuid>`, `user:<n>:profile`,
  `search:<hex>`, `cart:<uuid>`, `feed:<n>` ...), a few literal keys;
- a handful of big keys: strings of 2-6 MB and collections of 50,000-200,000 elements, under
  `big:*`, each with a known name so that a report can be checked.
"""
import math
import random
import sys
import uuid

out = sys.stdout.buffer
chunks = []


def command(*args):
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        if not isinstance(arg, bytes):
            arg = str(arg).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
    chunks.append(b"".join(parts))
    if len(chunks) >= 2000:
        out.write(b"".join(chunks))
        chunks.clear()


def log_uniform(rng, low, high):
    return int(math.exp(rng.uniform(math.log(low), math.log(high))))


def ttl_ms(rng):
    """None for ~40 % of keys, else 1 minute to 60 days, log-uniform."""
    if rng.random() < 0.40:
        return None
    return log_uniform(rng, 60_000, 60 * 86_400_000)


def json_pool(rng, size):
    """JSON-like records of random words and numbers, `size` bytes or more."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(3, 10))) for _ in range(3000)]
    parts = []
    length = 0
    while length < size:
        record = (
            '{"id":%d,"sku":"%08x","name":"%s %s %s","price":%d.%02d,"tags":["%s","%s"],"stock":%d,'
            '"updated":%d,"text":"%s"},'
            % (
                rng.randrange(10**9), rng.getrandbits(32), rng.choice(words), rng.choice(words),
                rng.choice(words), rng.randrange(10000), rng.randrange(100), rng.choice(words),
                rng.choice(words), rng.randrange(5000), 1_700_000_000 + rng.randrange(10**8),
                " ".join(rng.choice(words) for _ in range(rng.randint(5, 40))),
            )
        )
        parts.append(record)
        length += len(record)
    return "".join(parts).encode()


class Payload:
    """Values of a given length: slices of one pool (filler bytes, or JSON-like text at random
    offsets). It draws from a generator of its own, so the keys, types and TTLs are the same
    whatever the values."""

    def __init__(self, seed, kind):
        rng = random.Random(seed * 7919 + 1)
        self.rng = rng
        self.pool = json_pool(rng, 8 << 20) if kind == "json" else b"v" * 4096
        self.random = kind == "json"

    def __getitem__(self, cut):
        length = cut.stop
        if not self.random:
            return self.pool[:length]
        start = self.rng.randrange(len(self.pool) - length)
        return self.pool[start : start + length]


def main():
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    rng = random.Random(seed)
    payload = Payload(seed, sys.argv[3] if len(sys.argv) > 3 else "filler")
    # (share, namespace maker, kind)
    families = [
        (0.20, lambda i: "session:%s" % uuid.UUID(int=rng.getrandbits(128), version=4), "string"),
        (0.14, lambda i: "product:%d" % i, "string"),
        (0.10, lambda i: "price:%d" % i, "string"),
        (0.10, lambda i: "search:%016x" % rng.getrandbits(64), "string"),
        (0.08, lambda i: "rl:%d" % rng.randrange(10**9), "string"),
        (0.05, lambda i: "lock:order:%d" % i, "string"),
        (0.03, lambda i: "page:%s:html" % ("%012x" % rng.getrandbits(48)), "string"),
        (0.10, lambda i: "user:%d:profile" % i, "hash"),
        (0.03, lambda i: "cart:%s" % uuid.UUID(int=rng.getrandbits(128), version=4), "hash"),
        (0.06, lambda i: "feed:%d" % i, "list"),
        (0.05, lambda i: "tags:%d" % i, "set"),
        (0.0595, lambda i: "leaderboard:%d:daily" % i, "zset"),
        (0.0005, lambda i: "events:%d" % i, "stream"),
    ]
    cumulative = []
    running = 0.0
    for share, maker, kind in families:
        running += share
        cumulative.append((running, maker, kind))
    literals = ["config:flags", "config:pricing", "stats:daily"]
    for name in literals:
        command("SET", name, payload[:300])
    big = 12
    for index in range(total - len(literals) - big):
        pick = rng.random() * running
        maker, kind = next((m, k) for c, m, k in cumulative if pick <= c)
        key = maker(index)
        ttl = ttl_ms(rng)
        if kind == "string":
            value = payload[: log_uniform(rng, 50, 2000)]
            if ttl is None:
                command("SET", key, value)
            else:
                command("SET", key, value, "PX", ttl)
            continue
        if kind == "hash":
            fields = log_uniform(rng, 3, 300)
            args = []
            for field in range(fields):
                args += ["f%d" % field, payload[: rng.randint(1, 40)]]
            command("HSET", key, *args)
        elif kind == "list":
            command("RPUSH", key, *["item%d" % j for j in range(log_uniform(rng, 1, 200))])
        elif kind == "set":
            command("SADD", key, *["m%d" % j for j in range(log_uniform(rng, 1, 200))])
        elif kind == "zset":
            args = []
            for j in range(log_uniform(rng, 1, 200)):
                args += [rng.randint(0, 100000), "player%d" % j]
            command("ZADD", key, *args)
        else:
            command("XADD", key, "*", "type", "click", "at", index)
        if ttl is not None:
            command("PEXPIRE", key, ttl)
    # The big keys a report must find, biggest of each type known in advance.
    for index, size in enumerate([2, 4, 6]):
        command("SET", "big:blob:%d" % index, b"b" * (size * 1_048_576))
    for index, size in enumerate([50_000, 100_000]):
        for start in range(0, size, 1000):
            args = []
            for j in range(start, min(size, start + 1000)):
                args += ["f%d" % j, "v"]
            command("HSET", "big:hash:%d" % index, *args)
    for index, size in enumerate([80_000, 200_000]):
        for start in range(0, size, 1000):
            command("RPUSH", "big:list:%d" % index, *["i%d" % j for j in range(start, min(size, start + 1000))])
    for index, size in enumerate([60_000, 120_000]):
        for start in range(0, size, 1000):
            command("SADD", "big:set:%d" % index, *["s%d" % j for j in range(start, min(size, start + 1000))])
    for index, size in enumerate([70_000, 150_000]):
        for start in range(0, size, 1000):
            args = []
            for j in range(start, min(size, start + 1000)):
                args += [j, "z%d" % j]
            command("ZADD", "big:zset:%d" % index, *args)
    command("XADD", "big:stream:0", "*", "type", "seed")
    out.write(b"".join(chunks))


main()
