"""A light read load on many Redis servers from one process: every 50 ms, one GET (of a
random key among the first 2,000 of four namespaces) to each port given, replies read.
Usage: python3 trickle.py PORT [PORT ...]   (runs until killed)"""
import random
import socket
import sys
import time

conns = [socket.create_connection(("127.0.0.1", int(p))) for p in sys.argv[1:]]
namespaces = ("session", "user", "price", "cart")
next_tick = time.monotonic()
while True:
    for conn in conns:
        i = random.randrange(2400)  # one in six misses
        key = f"{namespaces[i % 4]}:{i}"
        conn.sendall(f"*2\r\n$3\r\nGET\r\n${len(key)}\r\n{key}\r\n".encode())
    for conn in conns:
        data = conn.recv(65536)
        if not data:
            sys.exit(0)
    next_tick += 0.05
    time.sleep(max(0, next_tick - time.monotonic()))
