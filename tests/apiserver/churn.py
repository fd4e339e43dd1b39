"""Watch storms for the console's benchmark and its smoke test: a background
thread that changes the stored Ingresses at a given rate for a given time.

Each event is one store write, recorded in the watch history like an API write:
nine in ten patch an existing Ingress (a label, and every fourth time the first
path), one in twenty adds an Ingress `churn-<seq>` to a tenant, one in twenty
deletes one of those (or patches when none is left). Writes go to the store
directly (no HTTP request per event), so the server can sustain thousands per
second; the rate is kept by catching up every tick (10 ms).
"""
import copy
import random
import threading
import time

import resources

INGRESS = resources.BY_GROUP_KIND[("networking.k8s.io", "Ingress")]


class Churn:
    def __init__(self, state):
        self.state = state
        self.lock = threading.Lock()
        self.thread = None
        self.stop = threading.Event()
        self.status = {"running": False, "events": 0, "patched": 0, "added": 0, "deleted": 0,
                       "seconds": 0.0}

    def snapshot(self):
        with self.lock:
            return dict(self.status)

    def start(self, rate, seconds, seed=1):
        if rate <= 0 or seconds <= 0:
            raise ValueError("churn: rate and seconds must be > 0")
        self.cancel()
        self.stop.clear()
        with self.lock:
            self.status = {"running": True, "events": 0, "patched": 0, "added": 0, "deleted": 0,
                           "seconds": 0.0, "rate": rate}
        self.thread = threading.Thread(target=self._run, args=(rate, seconds, seed), daemon=True)
        self.thread.start()

    def cancel(self):
        if self.thread:
            self.stop.set()
            self.thread.join()
            self.thread = None

    def _one(self, rng, seq, keys, added):
        store = self.state.store
        with store.cond:
            if seq % 20 == 10 and keys:
                ns, name = rng.choice(keys)
                src = store.get(INGRESS, ns, name)
                if src is None:
                    return None
                obj = copy.deepcopy(src.obj)
                md = obj["metadata"]
                md["name"] = f"churn-{seq}"
                md["namespace"] = ns
                for k in ("uid", "resourceVersion", "generation", "managedFields"):
                    md.pop(k, None)
                md["uid"] = f"churn-uid-{seq}"
                md["generation"] = 1
                store.put(INGRESS, obj)
                added.append((ns, md["name"]))
                return "added"
            if seq % 20 == 0 and added:
                ns, name = added.pop(rng.randrange(len(added)))
                if store.remove(INGRESS, ns, name) is not None:
                    return "deleted"
            if not keys:
                return None
            ns, name = rng.choice(keys)
            cur = store.get(INGRESS, ns, name)
            if cur is None:
                return None
            obj = copy.deepcopy(cur.obj)
            obj["metadata"].setdefault("labels", {})["churn"] = str(seq)
            if seq % 4 == 0:
                for rule in obj.get("spec", {}).get("rules", []):
                    for p in rule.get("http", {}).get("paths", [])[:1]:
                        p["path"] = f"/churn/{seq % 7}"
                    break
            store.put(INGRESS, obj)
        return "patched"

    def _run(self, rate, seconds, seed):
        rng = random.Random(seed)
        store = self.state.store
        with store.cond:
            keys = [k for k, _ in store.scan(INGRESS) if not k[1].startswith("churn-")]
            added = [k for k, _ in store.scan(INGRESS) if k[1].startswith("churn-")]
        t0 = time.monotonic()
        seq = 0
        while not self.stop.is_set():
            elapsed = time.monotonic() - t0
            if elapsed >= seconds:
                break
            due = int(rate * elapsed)
            while seq < due:
                seq += 1
                kind = self._one(rng, seq, keys, added)
                with self.lock:
                    self.status["events"] += kind is not None
                    if kind:
                        self.status[kind] += 1
            with self.lock:
                self.status["seconds"] = round(time.monotonic() - t0, 3)
            time.sleep(0.01)
        with self.lock:
            self.status["running"] = False
            self.status["seconds"] = round(time.monotonic() - t0, 3)
