"""A fault-injecting TCP proxy for the robustness tests.

It listens on 127.0.0.1, forwards every connection to one target, and can, per direction and
per chunk of bytes:
- delay it (`delay_ms` +- `jitter_ms`, uniformly), keeping the byte order of each direction;
- "lose" it with probability `loss`: TCP never drops bytes, a lost segment is re-sent after
  the retransmission timeout, so a lost chunk arrives `rto_ms` late (200 ms, Linux's minimum);
and, per connection:
- `mode="pass"` forward (with the faults above),
- `mode="blackhole"` accept and never answer, and stop forwarding on open connections (a
  dependency that hangs),
- `mode="refuse"` close at once (a dependency that is down),
- `reset` probability of resetting a new connection.

The services are pointed at it through their *_URL variables. Use it from Python
(`FaultProxy(...).start()` runs it on a thread; `configure()` changes the faults at run time)
or from the command line:

    python3 tests/support/fault_proxy.py --listen 9100 --target 127.0.0.1:8004 --delay-ms 100 --jitter-ms 10
"""
import argparse
import asyncio
import random
import socket
import threading
import time


class FaultProxy:
    """One listening port that forwards to `target` ("host:port") with the configured faults."""

    def __init__(self, target, listen_port=0, delay_ms=0.0, jitter_ms=0.0, loss=0.0, rto_ms=200.0,
                 reset=0.0, mode="pass", seed=None):
        host, port = target.rsplit(":", 1)
        self.target = (host, int(port))
        self.listen_port = listen_port
        self.settings = {}
        self._loop = None
        self.configure(delay_ms=delay_ms, jitter_ms=jitter_ms, loss=loss, rto_ms=rto_ms, reset=reset, mode=mode)
        self.random = random.Random(seed)
        self.stats = {"connections": 0, "chunks": 0, "lost": 0, "reset": 0, "blackholed": 0, "refused": 0}
        self._server = None
        self._thread = None
        self._ready = threading.Event()
        self._held = set()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.listen_port}"

    def configure(self, **settings):
        """Changes faults for new chunks and connections; unknown names are an error."""
        known = {"delay_ms", "jitter_ms", "loss", "rto_ms", "reset", "mode"}
        unknown = set(settings) - known
        if unknown:
            raise ValueError(f"unknown fault settings: {sorted(unknown)}")
        if settings.get("mode", "pass") not in ("pass", "blackhole", "refuse"):
            raise ValueError("mode must be pass, blackhole or refuse")
        self.settings.update(settings)
        if self.settings["mode"] == "pass" and self._loop is not None:
            # Connections held by a blackhole are closed so that their clients see the change.
            self._loop.call_soon_threadsafe(self._release_held)

    # --- running ---------------------------------------------------------------------------

    def start(self):
        """Runs the proxy on a daemon thread; returns once it listens."""
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"fault-proxy-{self.target[1]}")
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("fault proxy did not start")
        return self

    def stop(self):
        if self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _run(self):
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", self.listen_port, reuse_address=True))
        self.listen_port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            self._server.close()
            self._loop.close()

    def serve_forever(self):
        """Runs in the calling thread (the command line)."""
        self._run()

    def _release_held(self):
        for writer in list(self._held):
            writer.close()
        self._held.clear()

    # --- one connection --------------------------------------------------------------------

    async def _handle(self, reader, writer):
        self.stats["connections"] += 1
        mode = self.settings["mode"]
        if mode == "refuse":
            self.stats["refused"] += 1
            writer.close()
            return
        if mode == "blackhole":
            self.stats["blackholed"] += 1
            self._held.add(writer)
            return  # read nothing, answer nothing, until configured back to pass
        if self.random.random() < self.settings["reset"]:
            self.stats["reset"] += 1
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer), return_exceptions=True)

    def _chunk_delay(self):
        s = self.settings
        delay = s["delay_ms"] + self.random.uniform(-s["jitter_ms"], s["jitter_ms"]) if s["delay_ms"] else 0.0
        if s["loss"] and self.random.random() < s["loss"]:
            self.stats["lost"] += 1
            delay += s["rto_ms"]
        return max(delay, 0.0) / 1000.0

    async def _pipe(self, reader, writer):
        """Copies one direction; each chunk is due `delay` after it arrived, in arrival order."""
        queue = asyncio.Queue()

        async def send():
            while True:
                due, data = await queue.get()
                if data is None:
                    break
                wait = due - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                while self.settings["mode"] == "blackhole":  # open connections hang too
                    await asyncio.sleep(0.05)
                writer.write(data)
                await writer.drain()
            writer.close()

        sender = asyncio.ensure_future(send())
        last_due = 0.0
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                self.stats["chunks"] += 1
                last_due = max(last_due, time.monotonic() + self._chunk_delay())
                await queue.put((last_due, data))
        except (ConnectionError, OSError):
            pass
        finally:
            await queue.put((0.0, None))
            try:
                await sender
            except (ConnectionError, OSError):
                pass


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--listen", type=int, required=True, help="port on 127.0.0.1")
    p.add_argument("--target", required=True, help="host:port to forward to")
    p.add_argument("--delay-ms", type=float, default=0.0)
    p.add_argument("--jitter-ms", type=float, default=0.0)
    p.add_argument("--loss", type=float, default=0.0, help="share of chunks delayed by a retransmission")
    p.add_argument("--reset", type=float, default=0.0, help="share of connections reset at once")
    p.add_argument("--mode", default="pass", choices=["pass", "blackhole", "refuse"])
    a = p.parse_args()
    FaultProxy(a.target, a.listen, a.delay_ms, a.jitter_ms, a.loss, reset=a.reset, mode=a.mode).serve_forever()


if __name__ == "__main__":
    main()
