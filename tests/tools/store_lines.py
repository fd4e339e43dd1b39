#!/usr/bin/env python3
"""Compares the console's `:save-store` file with a fresh list of the test API
server (`GET /_test/state`, JSON on stdin or in a file): the lines
"Kind ns/name resourceVersion" of every server object whose kind the console
holds. Prints "same N" and exits 0, or the first differences and exits 1.

usage: store_lines.py CONSOLE_FILE STATE_JSON
"""
import json
import sys


def main():
    console = open(sys.argv[1]).read().splitlines()
    state = json.load(open(sys.argv[2]))
    kinds = {line.split(" ", 1)[0] for line in console}
    server = sorted(
        f"{o['kind']} {o['metadata'].get('namespace', '')}/{o['metadata']['name']} "
        f"{o['metadata'].get('resourceVersion', '-')}"
        for o in state["items"] if o.get("kind") in kinds)
    if console == server:
        print(f"same {len(server)}")
        return 0
    only_c = sorted(set(console) - set(server))
    only_s = sorted(set(server) - set(console))
    print(f"differ: console {len(console)} lines, server {len(server)}; "
          f"{len(only_c)} only in the console, {len(only_s)} only on the server")
    for line in only_c[:10]:
        print(f"  console: {line}")
    for line in only_s[:10]:
        print(f"  server:  {line}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
