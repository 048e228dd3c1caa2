#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Independent WebSocket peers for the proxy lab (Debian's python3-websockets 10.x).
#   ws_peer.py MODE PORT
#   echo      echo every message
#   close1011 accept, then close with 1011 "backend failure"
#   silent    accept and read, never answer
#   garbage   plain TCP: answer any request with bytes that are not HTTP
import asyncio
import sys

import websockets

mode, port = sys.argv[1], int(sys.argv[2])


async def echo(ws, path=None):
    async for message in ws:
        await ws.send(message)


async def close1011(ws, path=None):
    await ws.close(code=1011, reason="backend failure")


async def silent(ws, path=None):
    async for _ in ws:
        pass


async def garbage(reader, writer):
    await reader.read(1024)
    writer.write(b"\x00\x01garbage\xff\xfe not http at all\r\n\r\n")
    await writer.drain()
    await asyncio.sleep(5)
    writer.close()


async def main():
    if mode == "garbage":
        server = await asyncio.start_server(garbage, "127.0.0.1", port)
    else:
        handler = {"echo": echo, "close1011": close1011, "silent": silent}[mode]
        server = await websockets.serve(handler, "127.0.0.1", port)
    print("ready", flush=True)
    await asyncio.Future()


asyncio.run(main())
