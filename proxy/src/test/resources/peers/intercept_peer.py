#!/usr/bin/env python3
"""Python `websockets` peers for the intercept tests (permessage-deflate with context takeover on, as by default).

  intercept_peer.py serve WINDOW           echo server on 127.0.0.1; prints its port. WINDOW: "default" (websockets'
                                           own defaults: 12-bit windows), "wide" (15-bit windows) or
                                           "no-client-takeover" (15 bits, client_no_context_takeover)
  intercept_peer.py client URL COUNT SEED  sends "EDIT-ME" and prints what came back, sends "DROP-ME" (the test drops
                                           its echo), then COUNT messages of 16 B to 1 MiB, text and binary, each
                                           checked against its echo; closes with 1000; prints one JSON line
  intercept_peer.py listen URL             prints every message it receives as a JSON line, until closed
"""
import asyncio
import base64
import json
import os
import random
import sys

import websockets
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory, ServerPerMessageDeflateFactory


async def echo(ws, path=None):
    async for message in ws:
        await ws.send(message)


async def serve(window):
    if window == "default":
        extensions = None  # websockets' defaults
    elif window == "wide":
        extensions = [ServerPerMessageDeflateFactory()]
    else:
        extensions = [ServerPerMessageDeflateFactory(client_no_context_takeover=True)]
    kwargs = {} if extensions is None else {"extensions": extensions, "compression": None}
    async with websockets.serve(echo, "127.0.0.1", 0, max_size=None, **kwargs) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()


def size_of(i, rng):
    # Mostly small, now and then large, every 500th 1 MiB: 16 B to 1 MiB, with compressible and random content.
    if i % 500 == 499:
        return 1 << 20
    return int(16 * 2 ** (rng.random() ** 2 * 12))


def payload_of(i, rng):
    size = size_of(i, rng)
    if i % 2 == 0:
        words = ("chat", "opcode", "token", "room", "привет", "seq", str(i))
        text = " ".join(rng.choice(words) for _ in range(size // 4 + 1))
        return text.encode("utf-8")[:size].decode("utf-8", "ignore")
    return os.urandom(size) if i % 4 == 1 else bytes(rng.getrandbits(3) for _ in range(min(size, 4096))) * (size // 4096 + 1)


async def client(url, count, seed):
    rng = random.Random(seed)
    result = {"ok": 0, "failed": [], "extensions": None, "edited": None, "close": None}
    async with websockets.connect(url, max_size=None) as ws:
        result["extensions"] = ws.response_headers.get("Sec-WebSocket-Extensions")
        await ws.send("EDIT-ME")
        result["edited"] = await asyncio.wait_for(ws.recv(), 60)
        await ws.send("DROP-ME")
        for i in range(count):
            payload = payload_of(i, rng)
            await ws.send(payload)
            echoed = await asyncio.wait_for(ws.recv(), 60)
            if echoed == payload:
                result["ok"] += 1
            else:
                result["failed"].append(i)
                if len(result["failed"]) > 5:
                    break
        await ws.close(1000, "done")
        result["close"] = ws.close_code
    print(json.dumps(result), flush=True)


async def listen(url):
    try:
        async with websockets.connect(url, max_size=None) as ws:
            print(json.dumps({"open": ws.response_headers.get("Sec-WebSocket-Extensions")}), flush=True)
            async for message in ws:
                if isinstance(message, str):
                    print(json.dumps({"text": message}), flush=True)
                else:
                    print(json.dumps({"base64": base64.b64encode(message).decode()}), flush=True)
    except websockets.ConnectionClosed:
        pass
    print(json.dumps({"closed": ws.close_code, "reason": ws.close_reason}), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        asyncio.run(serve(sys.argv[2]))
    elif sys.argv[1] == "client":
        asyncio.run(client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
    else:
        asyncio.run(listen(sys.argv[2]))
