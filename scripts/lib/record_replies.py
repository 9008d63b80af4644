#!/usr/bin/env python3
"""Records a server's raw reply bytes, for the fuzz seed corpora (scripts/fuzz-seeds).

    record_replies.py PORT OUTDIR PREFIX

Writes data, then sends each command below in RESP2 and again after HELLO 3, and saves every
reply's exact bytes as OUTDIR/PREFIX-<resp>-<n>; the keyspace-event pushes and MONITOR lines
the traffic causes are saved too. Values written are dummies: nothing secret.
"""
import os
import socket
import sys
import time

port, outdir, prefix = int(sys.argv[1]), sys.argv[2], sys.argv[3]
os.makedirs(outdir, exist_ok=True)


def encode(*args):
    out = b"*%d\r\n" % len(args)
    for arg in args:
        arg = arg if isinstance(arg, bytes) else str(arg).encode()
        out += b"$%d\r\n%s\r\n" % (len(arg), arg)
    return out


def connect():
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(0.5)
    return s


def drain(s, wait=0.3):
    data = b""
    deadline = time.time() + wait
    while time.time() < deadline:
        try:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            data += chunk
            deadline = time.time() + 0.1
        except socket.timeout:
            if data:
                break
    return data


def save(name, data):
    if data:
        with open(os.path.join(outdir, f"{prefix}-{name}"), "wb") as f:
            f.write(data)


setup = connect()
for i in range(50):
    setup.sendall(encode("SET", f"user:{i}:profile", "x" * (i * 7)) + encode("EXPIRE", f"user:{i}:profile", 3600 + i))
    setup.sendall(encode("HSET", f"cart:{i:032x}", "sku", i, "qty", 2) + encode("RPUSH", f"feed:{i}", "a", "b"))
setup.sendall(encode("CONFIG", "SET", "slowlog-log-slower-than", "0"))
drain(setup)
commands = [
    ("INFO",), ("INFO", "everything"), ("SLOWLOG", "GET", "16"), ("SCAN", "0", "COUNT", "20"),
    ("TYPE", "user:1:profile"), ("PTTL", "user:1:profile"), ("MEMORY", "USAGE", "user:1:profile"),
    ("OBJECT", "FREQ", "user:1:profile"), ("CONFIG", "GET", "notify-keyspace-events"), ("HGETALL", "cart:" + "0" * 32),
    ("CLUSTER", "INFO"), ("CLUSTER", "SHARDS"), ("CLUSTER", "NODES"), ("CLUSTER", "SLOT-STATS", "SLOTSRANGE", "0", "40"),
    ("COMMANDLOG", "GET", "8", "large-reply"), ("LATENCY", "LATEST"), ("CLIENT", "NO-TOUCH", "on"),
    ("COMMAND", "INFO", "GET"), ("NOSUCHCOMMAND",), ("DEBUG", "OBJECT", "x"),
]
for resp in (2, 3):
    s = connect()
    if resp == 3:
        s.sendall(encode("HELLO", "3"))
        save("hello3", drain(s))
    for n, command in enumerate(commands):
        s.sendall(encode(*command))
        save(f"resp{resp}-{n:02d}-{command[0].lower()}", drain(s))
    s.close()
# Keyspace-event pushes (RESP3) and MONITOR lines caused by a little traffic.
sub = connect()
sub.sendall(encode("HELLO", "3") + encode("CONFIG", "SET", "notify-keyspace-events", "KEA"))
drain(sub)
sub.sendall(encode("SUBSCRIBE", "__keyevent@0__:set", "__keyevent@0__:del", "__keyevent@0__:expired"))
drain(sub)
monitor = connect()
monitor.sendall(encode("MONITOR"))
drain(monitor)
setup.sendall(encode("SET", "price:42", "9.99") + encode("DEL", "price:42") + encode("GET", "user:2:profile"))
save("pushes", drain(sub, 0.5))
save("monitor", drain(monitor, 0.5))
