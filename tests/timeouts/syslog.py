#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# A syslog receiver for the timeout-map lab (what rsyslog does for /var/log/haproxy.log):
#   syslog.py UDP_PORT FILE
# appends every datagram received on 127.0.0.1:UDP_PORT to FILE as one line, flushed at once.
import socket
import sys

port, path = int(sys.argv[1]), sys.argv[2]
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", port))
print("ready", flush=True)
with open(path, "ab", buffering=0) as out:
    while True:
        data, _ = sock.recvfrom(65536)
        out.write(data.rstrip(b"\n") + b"\n")
