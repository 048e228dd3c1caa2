#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# TCP relays for the timeout-map lab, written for the test (an independent judge of what a hop does):
#   relay.py lifetime SECONDS LISTEN_PORT TARGET_PORT
#       forwards both ways and closes both sides SECONDS after accepting, whatever the traffic
#       (a lifetime cap, like a GCP backend service timeout for WebSockets)
#   relay.py silent SECONDS LISTEN_PORT TARGET_PORT
#       forwards both ways until no byte has passed for SECONDS, then swallows everything in both
#       directions without closing anything (a silent drop, like an Azure LB without TCP reset)
import asyncio
import sys
import time

mode, seconds, listen_port, target_port = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])


async def handle(client_reader, client_writer):
    try:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
    except OSError:
        client_writer.close()
        return
    state = {"last": time.monotonic(), "dropping": False}

    async def pump(reader, writer):
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                now = time.monotonic()
                if mode == "silent" and (state["dropping"] or now - state["last"] >= seconds):
                    state["dropping"] = True  # the flow is forgotten: swallow, never close
                    continue
                state["last"] = now
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        if mode == "silent" and state["dropping"]:
            return
        try:
            writer.close()
        except OSError:
            pass

    pumps = asyncio.gather(pump(client_reader, server_writer), pump(server_reader, client_writer))
    if mode == "lifetime":
        try:
            await asyncio.wait_for(asyncio.shield(pumps), timeout=seconds)
        except asyncio.TimeoutError:
            pass
        for w in (client_writer, server_writer):
            try:
                w.close()
            except OSError:
                pass
        pumps.cancel()
    else:
        try:
            await pumps
        except asyncio.CancelledError:
            pass


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", listen_port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
