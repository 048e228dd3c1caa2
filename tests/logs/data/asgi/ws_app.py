# A bare ASGI app (no framework) for tests/logs/RealLogLinesTest.cpp, run by Debian's uvicorn:
# /ws/echo accepts and echoes, /ws/boom raises before accepting (uvicorn answers 500), any other
# WebSocket path is refused before accepting (uvicorn answers 403).
async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            m = await receive()
            if m["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif m["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] == "websocket":
        m = await receive()  # websocket.connect
        path = scope["path"]
        if path == "/ws/echo":
            await send({"type": "websocket.accept"})
            while True:
                m = await receive()
                if m["type"] == "websocket.disconnect":
                    return
                await send({"type": "websocket.send", "text": m.get("text") or ""})
        if path == "/ws/boom":
            raise RuntimeError("handler failed before accept")
        await send({"type": "websocket.close", "code": 1008})
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})
