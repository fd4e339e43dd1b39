"""Object storage, the global resourceVersion counter and the watch history.

One Store per server. Every read-modify-write holds `store.cond` (a Condition
over an RLock); watchers wait on it for new events. Stored objects are never
mutated: a write replaces the StoredObject, which caches its JSON encoding per
apiVersion so that listing 10,000 objects is a join of cached bytes.
"""

import bisect
import collections
import json
import threading


def dumps(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


class StoredObject:
    __slots__ = ("obj", "_json", "_bare")

    def __init__(self, obj):
        self.obj = obj
        self._json = {}
        self._bare = None

    @property
    def namespace(self):
        return self.obj["metadata"].get("namespace", "")

    @property
    def name(self):
        return self.obj["metadata"]["name"]

    @property
    def rv(self):
        return int(self.obj["metadata"]["resourceVersion"])

    def as_version(self, api_version):
        """The object as a dict in api_version (a shallow copy when it differs)."""
        if self.obj.get("apiVersion") == api_version:
            return self.obj
        out = {"apiVersion": api_version}
        out.update((k, v) for k, v in self.obj.items() if k != "apiVersion")
        return out

    def list_item_json(self, api_version, typed):
        """Encoding inside a list: typed (built-in) lists omit apiVersion/kind."""
        if not typed:
            return self.json(api_version)
        if self._bare is None:
            self._bare = dumps({k: v for k, v in self.obj.items() if k not in ("apiVersion", "kind")})
        return self._bare

    def json(self, api_version):
        data = self._json.get(api_version)
        if data is None:
            data = dumps(self.as_version(api_version))
            self._json[api_version] = data
        return data


class Event:
    __slots__ = ("rv", "type", "res_key", "new", "old")

    def __init__(self, rv, type_, res_key, new, old):
        self.rv = rv
        self.type = type_
        self.res_key = res_key
        self.new = new  # StoredObject (for DELETED: the last state, at the deletion rv)
        self.old = old  # StoredObject before the change, or None


class Expired(Exception):
    pass


class Store:
    def __init__(self, history=1000):
        self.cond = threading.Condition(threading.RLock())
        self.rv = 0
        self.buckets = collections.defaultdict(dict)  # res.key -> {(ns, name): StoredObject}
        self._sorted = {}  # res.key -> sorted [(ns, name)], rebuilt lazily after writes
        self.history = collections.deque(maxlen=max(1, history))
        self.oldest = 0  # a watch from rv R is complete iff R >= oldest
        self.owners = {}  # (res.key, ns, name) -> {manager: Owner}, see ops.py
        self.closed = False

    # ---- reads ----------------------------------------------------------

    def get(self, res, ns, name):
        return self.buckets[res.key].get((ns or "", name))

    def sorted_keys(self, res):
        keys = self._sorted.get(res.key)
        if keys is None:
            keys = sorted(self.buckets[res.key])
            self._sorted[res.key] = keys
        return keys

    def scan(self, res, ns=None, after=None):
        """Objects of res in (namespace, name) order, optionally in one namespace
        and strictly after the key `after`. Caller holds the lock."""
        keys = self.sorted_keys(res)
        bucket = self.buckets[res.key]
        lo = 0
        if ns is not None:
            lo = bisect.bisect_left(keys, (ns, ""))
        if after is not None:
            lo = max(lo, bisect.bisect_right(keys, after))
        for i in range(lo, len(keys)):
            k = keys[i]
            if ns is not None and k[0] != ns:
                break
            yield k, bucket[k]

    def count_after(self, res, ns, after):
        keys = self.sorted_keys(res)
        if ns is None:
            return len(keys) - bisect.bisect_right(keys, after)
        hi = bisect.bisect_left(keys, (ns + "\x00", ""))
        return max(0, hi - bisect.bisect_right(keys, after))

    def all_objects(self):
        for key in sorted(self.buckets):
            for k in sorted(self.buckets[key]):
                yield self.buckets[key][k]

    # ---- writes (caller holds the lock) ---------------------------------

    def next_rv(self):
        self.rv += 1
        return self.rv

    def _record(self, type_, res, new, old):
        if len(self.history) == self.history.maxlen:
            self.oldest = self.history[0].rv
        self.history.append(Event(new.rv, type_, res.key, new, old))
        self.cond.notify_all()

    def put(self, res, obj, record=True):
        """Store obj (a fresh dict) with the next resourceVersion; returns it."""
        with self.cond:
            obj["metadata"]["resourceVersion"] = str(self.next_rv())
            new = StoredObject(obj)
            key = (new.namespace, new.name)
            bucket = self.buckets[res.key]
            old = bucket.get(key)
            if old is None:
                self._sorted.pop(res.key, None)
            bucket[key] = new
            if record:
                self._record("ADDED" if old is None else "MODIFIED", res, new, old)
            return new

    def remove(self, res, ns, name):
        with self.cond:
            old = self.buckets[res.key].pop((ns or "", name), None)
            if old is None:
                return None
            self._sorted.pop(res.key, None)
            self.owners.pop((res.key, ns or "", name), None)
            last = dict(old.obj)
            last["metadata"] = dict(old.obj["metadata"], resourceVersion=str(self.next_rv()))
            gone = StoredObject(last)
            self._record("DELETED", res, gone, old)
            return gone

    # ---- watch support --------------------------------------------------

    def events_after(self, rv):
        """Events with rv > `rv`, oldest first. Raises Expired when the history
        no longer holds them all. Caller holds the lock."""
        if rv < self.oldest:
            raise Expired(f"too old resource version: {rv} ({self.oldest + 1})")
        out = []
        for ev in reversed(self.history):
            if ev.rv <= rv:
                break
            out.append(ev)
        out.reverse()
        return out

    def close(self):
        with self.cond:
            self.closed = True
            self.cond.notify_all()
