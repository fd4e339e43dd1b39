"""Watch streams: chunked newline-delimited JSON events, as kube sends them.

- no resourceVersion (or "0"), or sendInitialEvents=true: ADDED for every
  current object first (the latter ends them with an initial-events-end bookmark);
- a resourceVersion older than the history window: one ERROR event carrying a
  410 Expired Status, then the stream ends;
- allowWatchBookmarks=true: a BOOKMARK right away and then every
  bookmark_interval seconds;
- selectors apply to old and new states, so an object that stops matching is
  reported DELETED and one that starts matching ADDED (like the watch cache);
- timeoutSeconds ends the stream cleanly; the drop_watch_after fault cuts the
  connection without the terminating chunk after N object events; the
  stall_watch fault answers the headers and then nothing, ever.
"""

import socket
import time

import errors
import tables
from store import Expired, StoredObject, dumps

DEFAULT_TIMEOUT = 1800.0
POLL = 0.5


class _Closed(Exception):
    pass


class WatchStream:
    def __init__(self, handler, target, fmt, meta_version, label_pred, field_pred):
        self.h = handler
        self.t = target
        self.fmt = fmt
        self.mv = meta_version
        self.label_pred = label_pred
        self.field_pred = field_pred
        self.store = handler.state.store
        self.sent_objects = 0
        self.table_headers_sent = False
        faults = handler.state.faults.snapshot()
        self.drop_after = faults["drop_watch_after"]
        self.stall = faults["stall_watch"]

    # ---- encoding ---------------------------------------------------------

    def _matches(self, stored):
        if stored is None:
            return False
        if self.t.namespace is not None and stored.namespace != self.t.namespace:
            return False
        if self.label_pred and not self.label_pred(stored.obj["metadata"].get("labels") or {}):
            return False
        if self.field_pred and not self.field_pred(stored.obj):
            return False
        return True

    def _object_bytes(self, stored):
        av = self.t.api_version
        if self.fmt == "full":
            return stored.json(av)
        if self.fmt == "meta":
            return dumps(tables.partial_metadata(stored.obj, f"meta.k8s.io/{self.mv}"))
        # kube sends the column definitions with the first event only
        tbl = tables.table(self.t.res.kind, [stored.as_version(av)],
                           self.h.q.get("includeObject", "Metadata"),
                           {"resourceVersion": stored.obj["metadata"]["resourceVersion"]}, self.mv,
                           with_columns=not self.table_headers_sent)
        self.table_headers_sent = True
        return dumps(tbl)

    def _bookmark_bytes(self, rv, initial_end=False):
        md = {"resourceVersion": str(rv)}
        if initial_end:
            md["annotations"] = {"k8s.io/initial-events-end": "true"}
        if self.fmt == "meta":
            obj = {"kind": "PartialObjectMetadata", "apiVersion": f"meta.k8s.io/{self.mv}", "metadata": md}
        else:
            obj = {"kind": self.t.res.kind, "apiVersion": self.t.api_version, "metadata": md}
        return dumps(obj)

    # ---- wire ---------------------------------------------------------------

    def _chunk(self, data):
        try:
            self.h.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        except OSError:
            raise _Closed() from None

    def _event(self, type_, obj_bytes):
        self._chunk(b'{"type":"' + type_.encode() + b'","object":' + obj_bytes + b"}\n")
        if type_ in ("ADDED", "MODIFIED", "DELETED"):
            self.sent_objects += 1
            if self.drop_after and self.sent_objects >= self.drop_after:
                self._drop()

    def _drop(self):
        try:
            self.h.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        raise _Closed()

    def _start(self):
        h = self.h
        if h._entry is not None:
            h._entry["code"] = 200
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Cache-Control", "no-cache, private")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        h._sent = True

    # ---- main loop ----------------------------------------------------------

    def run(self):
        q = self.h.q
        try:
            timeout = float(q.get("timeoutSeconds") or DEFAULT_TIMEOUT)
        except ValueError:
            raise errors.bad_request(f"invalid timeoutSeconds {q.get('timeoutSeconds')!r}") from None
        rv_param = q.get("resourceVersion", "")
        send_initial = q.get("sendInitialEvents", "").lower() == "true"
        bookmarks = q.get("allowWatchBookmarks", "").lower() in ("1", "true")
        try:
            since = int(rv_param) if rv_param else 0
        except ValueError:
            raise errors.bad_request(f"invalid resource version: {rv_param!r}") from None

        initial, expired = [], None
        with self.store.cond:
            if send_initial or since == 0:
                since = self.store.rv
                initial = [s for _k, s in self.store.scan(self.t.res, self.t.namespace) if self._matches(s)]
            elif since < self.store.oldest:
                expired = f"too old resource version: {since} ({self.store.oldest + 1})"
        self._start()
        if self.stall:
            return self._stall()
        deadline = time.monotonic() + timeout
        try:
            if expired:
                self._event("ERROR", dumps(errors.gone(expired).status()))
                return self._finish()
            for s in initial:
                self._event("ADDED", self._object_bytes(s))
            if bookmarks or send_initial:
                self._event("BOOKMARK", self._bookmark_bytes(since, initial_end=send_initial))
            self._loop(since, deadline, bookmarks)
            self._finish()
        except _Closed:
            self.h.close_connection = True

    def _loop(self, last, deadline, bookmarks):
        interval = self.h.state.bookmark_interval
        next_bookmark = time.monotonic() + interval
        while True:
            now = time.monotonic()
            if now >= deadline or self.h.state.shutting_down.is_set():
                return
            with self.store.cond:
                try:
                    events = self.store.events_after(last)
                except Expired as exc:
                    events = exc
                current = self.store.rv
                if not events and not isinstance(events, Expired):
                    wait = min(deadline, next_bookmark if bookmarks else deadline, now + POLL) - now
                    self.store.cond.wait(max(0.0, wait))
                    if self.store.closed:
                        return
            if isinstance(events, Expired):
                self._event("ERROR", dumps(errors.gone(str(events)).status()))
                return
            for ev in events:
                self._send_event(ev)
            last = max(last, current) if events else last
            if bookmarks and time.monotonic() >= next_bookmark:
                with self.store.cond:
                    pending = self.store.events_after(last) if last >= self.store.oldest else None
                    if pending == []:
                        last = self.store.rv
                self._event("BOOKMARK", self._bookmark_bytes(last))
                next_bookmark = time.monotonic() + interval
            if not events and self.h.client_gone():
                raise _Closed()

    def _stall(self):
        """The stall_watch fault: headers, then silence, timeoutSeconds ignored."""
        while not self.h.state.shutting_down.is_set() and not self.h.client_gone():
            time.sleep(POLL)
        self.h.close_connection = True

    def _send_event(self, ev):
        if ev.res_key != self.t.res.key:
            return
        new_ok = self._matches(ev.new)
        old_ok = self._matches(ev.old)
        if ev.type == "DELETED":
            if old_ok:
                self._event("DELETED", self._object_bytes(ev.new))
            return
        if new_ok:
            self._event("MODIFIED" if (ev.type == "MODIFIED" and old_ok) else "ADDED", self._object_bytes(ev.new))
        elif old_ok:
            # stopped matching: DELETED with the previous state at the new resourceVersion
            gone = dict(ev.old.obj)
            gone["metadata"] = dict(ev.old.obj["metadata"], resourceVersion=str(ev.rv))
            self._event("DELETED", self._object_bytes(StoredObject(gone)))

    def _finish(self):
        try:
            self.h.wfile.write(b"0\r\n\r\n")
        except OSError:
            self.h.close_connection = True
