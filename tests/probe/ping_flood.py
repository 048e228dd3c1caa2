#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# A hostile WebSocket server in its own process, with raw sockets: it answers the upgrade with a
# valid 101, then sends ping frames as fast as TCP takes them and never reads again, so the
# client's pongs pile up. No WebSocket library can be made to misbehave like this.
#   ping_flood.py PORT
# Every connection is served on its own thread (a port check that sends nothing is ignored);
# for each one it prints "flood ended after N pings" once the client has gone.
import base64
import hashlib
import socket
import sys
import threading

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
PING = b"\x89\x7d" + b"p" * 125  # FIN + ping, unmasked, 125-byte payload (the control-frame maximum)
BURST = PING * 256


def serve(conn):
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = conn.recv(4096)
        if not chunk:
            conn.close()
            return
        head += chunk
    key = b""
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"sec-websocket-key:"):
            key = line.split(b":", 1)[1].strip()
    accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
    conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
    sent = 0
    try:
        while True:  # never recv() again: the pongs stay unread
            conn.sendall(BURST)
            sent += 256
    except OSError:
        pass
    print(f"flood ended after {sent} pings", flush=True)
    conn.close()


def main():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", int(sys.argv[1])))
    srv.listen(16)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
