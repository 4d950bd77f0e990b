"""1 KiB text messages on CONNS connections for SECONDS, 64 in flight each, echoed or acknowledged: rss.sh's load."""
import asyncio, sys, time, websockets
URL, CONNS, SECONDS = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
async def one(i, counts):
    async with websockets.connect(URL, max_size=None, compression=None) as ws:
        msg = ("x" * 1000) + "%024d" % i
        end = time.time() + SECONDS
        for _ in range(64):
            await ws.send(msg)
        n = 0
        while time.time() < end:
            await ws.recv()
            n += 1
            await ws.send(msg)
        for _ in range(64):
            await ws.recv()
        counts.append(n)
async def main():
    counts = []
    await asyncio.gather(*(one(i, counts) for i in range(CONNS)))
    print("echoes", sum(counts))
asyncio.run(main())
