#!/usr/bin/env python3
"""The reference loop of the scan benchmark: SCAN COUNT 1000, then TYPE, PTTL and MEMORY USAGE
of each key of the page in one pipeline — the least work a metadata scan can ask of the server.
Its server CPU per key is the floor `cachewatch scan --full` is compared with.

    reference_scan.py PORT        (prints the keys visited)
"""
import socket
import sys


class Connection:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.buffer = b""

    def send(self, commands):
        out = []
        for words in commands:
            out.append(b"*%d\r\n" % len(words))
            for word in words:
                out.append(b"$%d\r\n%s\r\n" % (len(word), word))
        self.sock.sendall(b"".join(out))

    def _line(self):
        while b"\r\n" not in self.buffer:
            self.buffer += self.sock.recv(1 << 20)
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def _exact(self, count):
        while len(self.buffer) < count + 2:
            self.buffer += self.sock.recv(1 << 20)
        data, self.buffer = self.buffer[:count], self.buffer[count + 2:]
        return data

    def reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"$":
            return None if rest == b"-1" else self._exact(int(rest))
        if kind == b"*":
            return [self.reply() for _ in range(int(rest))]
        if kind == b":":
            return int(rest)
        return rest


def main():
    connection = Connection(int(sys.argv[1]))
    cursor = b"0"
    visited = 0
    while True:
        connection.send([[b"SCAN", cursor, b"COUNT", b"1000"]])
        cursor, names = connection.reply()
        commands = []
        for name in names:
            commands += [[b"TYPE", name], [b"PTTL", name], [b"MEMORY", b"USAGE", name, b"SAMPLES", b"5"]]
        if commands:
            connection.send(commands)
            for _ in commands:
                connection.reply()
        visited += len(names)
        if cursor == b"0":
            break
    print(visited)


main()
