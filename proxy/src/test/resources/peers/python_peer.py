#!/usr/bin/env python3
"""Real third-party peers for Sockscope's tests: Python `websockets` with its defaults (permessage-deflate on).

  python_peer.py serve               prints the port of an echo server on 127.0.0.1, then serves until killed
  python_peer.py client URL SIZE...  sends a text and a binary message of each size, checks each echo,
                                     closes with 1000 and prints one JSON line with what happened
"""
import asyncio
import json
import os
import random
import sys

import websockets

WORDS = ["chat", "message", "opcode", "payload", "token", "room", "user", "seq", "привет", "你好", "{", "}", ":", ","]


async def echo(ws, path=None):
    async for message in ws:
        await ws.send(message)


async def serve():
    async with websockets.serve(echo, "127.0.0.1", 0, max_size=None) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()


def text_of(size, rng):
    parts, length = [], 0
    while length < size:
        word = rng.choice(WORDS) + " "
        parts.append(word)
        length += len(word.encode("utf-8"))
    return "".join(parts).encode("utf-8")[:size].decode("utf-8", "ignore")


async def client(url, sizes):
    rng = random.Random(7)
    result = {"ok": [], "failed": [], "extensions": None, "close": None}
    async with websockets.connect(url, max_size=None) as ws:
        result["extensions"] = ws.response_headers.get("Sec-WebSocket-Extensions")
        for size in sizes:
            for payload in (text_of(size, rng), os.urandom(size)):
                await ws.send(payload)
                echoed = await asyncio.wait_for(ws.recv(), 60)
                kind = "text" if isinstance(payload, str) else "binary"
                (result["ok"] if echoed == payload else result["failed"]).append(kind + " " + str(size))
        await ws.close(1000, "done")
        result["close"] = ws.close_code
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        asyncio.run(serve())
    else:
        asyncio.run(client(sys.argv[2], [int(s) for s in sys.argv[3:]]))
