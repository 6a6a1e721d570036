"""The dev server for watch mode: output over loopback HTTP, live reload, CSS swap, error overlay.

server = DevServer(config.out_dir, "127.0.0.1", 8000, base=config.base)
server.start()
watcher.listeners.append(server.hub.publish)
"""

from bundlewise.serve.server import DevServer, EventHub, check_host, event_for, inject_client

__all__ = ["DevServer", "EventHub", "check_host", "event_for", "inject_client"]
