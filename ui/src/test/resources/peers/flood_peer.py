#!/usr/bin/env python3
"""Peers for RecorderLagTest: Python `websockets` with its defaults (permessage-deflate on).

  flood_peer.py serve                 prints the port of a server on 127.0.0.1, then serves until killed: it answers
                                      "ping N" with "pong N", any other message with a short ack, and sends a
                                      {"tick": time} message every 100 ms on every connection
  flood_peer.py flood URL SECONDS     sends 10 MiB text messages of random alphanumerics (as a base64 image is), each in
                                      64 KiB fragments, one after the other for SECONDS, each awaiting its ack
  flood_peer.py probe URL SECONDS     sends "ping N" every 100 ms for SECONDS and awaits each "pong N"

Each client prints one JSON line: messages sent, the slowest round trip (probe), the latest tick (how long after the
server stamped it it arrived) and the slowest ack beyond the sending of its message (flood), in seconds.
"""
import asyncio
import json
import random
import string
import sys
import time

import websockets

SIZE = 10 << 20
FRAGMENT = 64 << 10


async def serve():
    async def handler(ws, path=None):
        async def ticks():
            while True:
                await ws.send(json.dumps({"tick": time.time()}))
                await asyncio.sleep(0.1)
        ticker = asyncio.ensure_future(ticks())
        try:
            async for message in ws:
                if isinstance(message, str) and message.startswith("ping "):
                    await ws.send("pong " + message[5:])
                else:
                    await ws.send(json.dumps({"ack": len(message), "at": time.time(), "pad": "x" * 40}))
        except websockets.ConnectionClosed:
            pass
        finally:
            ticker.cancel()

    async with websockets.serve(handler, "127.0.0.1", 0, max_size=None) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()


class Ticks:
    """Reads what the server sends; keeps the latest tick delay and hands everything else to the waiting sender."""

    def __init__(self, ws):
        self.ws = ws
        self.late = 0.0
        self.ack = 0.0
        self.answers = asyncio.Queue()

    async def run(self):
        try:
            async for message in self.ws:
                if message.startswith('{"tick"'):
                    self.late = max(self.late, time.time() - json.loads(message)["tick"])
                else:
                    await self.answers.put(message)
        except websockets.ConnectionClosed:
            pass


async def flood(url, seconds):
    rng = random.Random(20)
    alphabet = string.ascii_letters + string.digits
    block = "".join(rng.choice(alphabet) for _ in range(FRAGMENT))
    sent = 0
    async with websockets.connect(url, max_size=None) as ws:
        ticks = Ticks(ws)
        reader = asyncio.ensure_future(ticks.run())
        end = time.time() + seconds
        while time.time() < end:
            # A different message each time: rotate the block by the message number.
            shift = (sent * 7919) % FRAGMENT
            fragment = block[shift:] + block[:shift]
            start = time.time()
            await ws.send(fragment for _ in range(SIZE // FRAGMENT))
            sending = time.time() - start
            await asyncio.wait_for(ticks.answers.get(), 120)
            # The ack answers the last fragment: how long it took beyond the sending itself.
            ticks.ack = max(ticks.ack, time.time() - start - sending)
            sent += 1
        await ws.close(1000, "done")
        await reader
    print(json.dumps({"sent": sent, "slowest": None, "late": ticks.late, "ack": ticks.ack}), flush=True)


async def probe(url, seconds):
    slowest = 0.0
    slowest_at = 0.0
    sent = 0
    async with websockets.connect(url, max_size=None) as ws:
        ticks = Ticks(ws)
        reader = asyncio.ensure_future(ticks.run())
        began = time.time()
        end = began + seconds
        while time.time() < end:
            start = time.time()
            await ws.send("ping %d" % sent)
            answer = await asyncio.wait_for(ticks.answers.get(), 120)
            assert answer == "pong %d" % sent, answer
            if time.time() - start > slowest:
                slowest, slowest_at = time.time() - start, start - began
            sent += 1
            await asyncio.sleep(0.1)
        await ws.close(1000, "done")
        await reader
    print(json.dumps({"sent": sent, "slowest": slowest, "slowest_at": slowest_at, "late": ticks.late}), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        asyncio.run(serve())
    elif sys.argv[1] == "flood":
        asyncio.run(flood(sys.argv[2], float(sys.argv[3])))
    else:
        asyncio.run(probe(sys.argv[2], float(sys.argv[3])))
