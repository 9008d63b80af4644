"""The key-life tracker's traffic at its full default budget, for measuring what it costs the
server: every 250 ms one pipeline of 5 PTTLs (20 a second) on one connection, of keys from the
dataset, replies read. Usage: python3 pttl_pattern.py PORT SECONDS [PER_SECOND]"""
import socket
import sys
import time

port, seconds = int(sys.argv[1]), float(sys.argv[2])
per_second = int(sys.argv[3]) if len(sys.argv) > 3 else 20
per_round = max(1, per_second // 4)
conn = socket.create_connection(("127.0.0.1", port))
# Keys that exist: the dataset's names are not known here, so take some with SCAN first.
conn.sendall(b"*4\r\n$4\r\nSCAN\r\n$1\r\n0\r\n$5\r\nCOUNT\r\n$4\r\n1000\r\n")
time.sleep(0.2)
reply = conn.recv(1 << 20).split(b"\r\n")
keys = [reply[i] for i in range(6, len(reply) - 1, 2)][:200] or [b"missing"]
rounds = 0
start = next_tick = time.monotonic()
while time.monotonic() - start < seconds:
    batch = b"".join(
        b"*2\r\n$4\r\nPTTL\r\n$%d\r\n%s\r\n" % (len(k), k)
        for k in (keys[(rounds * per_round + i) % len(keys)] for i in range(per_round)))
    conn.sendall(batch)
    received = 0
    while received < per_round:
        received += conn.recv(65536).count(b"\r\n")
    rounds += 1
    next_tick += 0.25
    time.sleep(max(0, next_tick - time.monotonic()))
print(rounds * per_round)
