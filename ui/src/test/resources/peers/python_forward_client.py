#!/usr/bin/env python3
"""Python `websockets` (Debian's python3-websockets, 10.x, which has no proxy support of its own) through an HTTP
forward proxy: CONNECT by hand, then TLS verified by the default context, which honours SSL_CERT_FILE.

  python_forward_client.py PROXY_HOST PROXY_PORT URL MESSAGE   prints the echo of MESSAGE, closes with 1000
"""
import asyncio
import socket
import ssl
import sys
from urllib.parse import urlsplit

import websockets


def tunnel(proxy_host, proxy_port, host, port):
    sock = socket.create_connection((proxy_host, proxy_port), timeout=10)
    sock.sendall(f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode("ascii"))
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        chunk = sock.recv(1)
        if not chunk:
            raise SystemExit("proxy closed the tunnel: " + head.decode("latin-1"))
        head += chunk
    if not head.startswith(b"HTTP/1.1 200"):
        raise SystemExit("proxy refused: " + head.decode("latin-1"))
    sock.settimeout(None)
    return sock


async def main(proxy_host, proxy_port, url, message):
    target = urlsplit(url)
    sock = tunnel(proxy_host, int(proxy_port), target.hostname, target.port or 443)
    async with websockets.connect(url, sock=sock, ssl=ssl.create_default_context(), server_hostname=target.hostname) as ws:
        await ws.send(message)
        print(await ws.recv(), flush=True)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
