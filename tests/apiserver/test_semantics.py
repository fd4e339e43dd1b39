"""Semantics of the test API server that kubectl does not exercise: pagination,
optimistic concurrency, watch history and 410, fault injection, dryRun,
metadata-only Secrets, RBAC, patches, TLS client certificates.

Run: python3 -m unittest tests/apiserver/test_semantics.py (from the repo root),
or tests/scripts/test_apiserver_semantics.sh.
"""

import gzip
import json
import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from testlib import ServerProcess  # noqa: E402

SEED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "apiserver", "seed.yaml")
ING = "/apis/networking.k8s.io/v1"
IST = "/apis/networking.istio.io"
META_LIST = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"
META_ONE = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1"


def ingress(name, ns="ns-x", labels=None, host=None):
    return {
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": name, "namespace": ns, "labels": labels or {}},
        "spec": {"rules": [{"host": host or f"{name}.example.com", "http": {"paths": [{
            "path": "/", "pathType": "Prefix",
            "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]},
    }


class ServerTest(unittest.TestCase):
    ARGS = ()
    SEEDED = True

    @classmethod
    def setUpClass(cls):
        seed = ("--seed", SEED) if cls.SEEDED else ()
        cls.srv = ServerProcess(*seed, "--tenant-token", "alice=ns-x", *cls.ARGS)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()

    def req(self, *a, **kw):
        return self.srv.request(*a, **kw)

    def assertStatus(self, resp, code, reason=None):
        self.assertEqual(resp.status, code, resp.body[:500])
        if reason:
            st = resp.json()
            self.assertEqual((st["kind"], st["reason"], st["code"]), ("Status", reason, code))
        return resp.json() if resp.body else None


class PaginationTest(ServerTest):
    ARGS = ("--generate", "2500")
    SEEDED = False

    def test_limit_500_gives_5_pages_each_name_once(self):
        names, pages, token, remaining = [], 0, None, []
        while True:
            path = f"{ING}/ingresses?limit=500" + (f"&continue={token}" if token else "")
            body = self.assertStatus(self.req("GET", path), 200)
            pages += 1
            self.assertEqual(body["kind"], "IngressList")
            self.assertLessEqual(len(body["items"]), 500)
            names += [(i["metadata"]["namespace"], i["metadata"]["name"]) for i in body["items"]]
            token = body["metadata"].get("continue")
            remaining.append(body["metadata"].get("remainingItemCount"))
            if not token:
                break
            self.assertLess(pages, 10, "pagination does not terminate")
        self.assertEqual(pages, 5)
        self.assertEqual(len(names), 2500)
        self.assertEqual(len(set(names)), 2500)
        self.assertEqual(remaining, [2000, 1500, 1000, 500, None])

    def test_ignore_limit_answers_the_whole_list(self):
        self.srv.faults(ignore_limit=1)
        try:
            body = self.assertStatus(self.req("GET", f"{ING}/ingresses?limit=500"), 200)
        finally:
            self.srv.faults(ignore_limit=0)
        self.assertEqual(len(body["items"]), 2500)
        self.assertNotIn("continue", body["metadata"])
        body = self.assertStatus(self.req("GET", f"{ING}/ingresses?limit=500"), 200)
        self.assertEqual(len(body["items"]), 500)  # the switch is off again

    def test_large_gzip_answers_stream_like_kube(self):
        plain = self.req("GET", f"{ING}/ingresses?limit=2000")
        self.assertNotIn("Content-Encoding", plain.headers)
        gz = self.req("GET", f"{ING}/ingresses?limit=2000", headers={"Accept-Encoding": "gzip"})
        self.assertEqual(gz.headers.get("Content-Encoding"), "gzip")
        # kube-apiserver's gzip writer wraps the response writer: chunked, no length
        self.assertEqual(gz.headers.get("Transfer-Encoding"), "chunked")
        self.assertNotIn("Content-Length", gz.headers)
        self.assertLess(len(gz.body), len(plain.body) // 4)
        self.assertEqual(gzip.decompress(gz.body), plain.body)

    def test_namespaced_list_and_bad_continue(self):
        body = self.req("GET", f"{ING}/namespaces/ns-tenant-00007/ingresses").json()
        self.assertEqual([i["metadata"]["name"] for i in body["items"]],
                         [f"ing-{n:05d}" for n in range(31, 36)])
        self.assertStatus(self.req("GET", f"{ING}/ingresses?limit=5&continue=%%%"), 400, "BadRequest")

    def test_table_lists_paginate_too(self):
        r = self.req("GET", f"{ING}/ingresses?limit=3", accept="application/json;as=Table;v=v1;g=meta.k8s.io")
        body = self.assertStatus(r, 200)
        self.assertEqual(body["kind"], "Table")
        self.assertEqual([c["name"] for c in body["columnDefinitions"]],
                         ["Name", "Class", "Hosts", "Address", "Ports", "Age"])
        self.assertEqual(len(body["rows"]), 3)
        self.assertTrue(body["metadata"]["continue"])
        self.assertEqual(body["rows"][0]["object"]["kind"], "PartialObjectMetadata")


class SelectorTest(ServerTest):
    def setUp(self):
        for name, labels in (("l1", {"tier": "front", "env": "prod"}), ("l2", {"tier": "back"}), ("l3", {})):
            self.req("POST", f"{ING}/namespaces/ns-y/ingresses", ingress(name, "ns-y", labels))

    def names(self, query):
        r = self.req("GET", f"{ING}/namespaces/ns-y/ingresses?{query}")
        self.assertEqual(r.status, 200, r.body)
        return sorted(i["metadata"]["name"] for i in r.json()["items"] if i["metadata"]["name"] in ("l1", "l2", "l3"))

    def test_label_selectors(self):
        self.assertEqual(self.names("labelSelector=tier%3Dfront"), ["l1"])
        self.assertEqual(self.names("labelSelector=tier%3D%3Dback"), ["l2"])
        self.assertEqual(self.names("labelSelector=tier!%3Dfront"), ["l2", "l3"])
        self.assertEqual(self.names("labelSelector=tier%20in%20(front,back)"), ["l1", "l2"])
        self.assertEqual(self.names("labelSelector=tier%20notin%20(front)"), ["l2", "l3"])
        self.assertEqual(self.names("labelSelector=tier"), ["l1", "l2"])
        self.assertEqual(self.names("labelSelector=!tier"), ["l3"])
        self.assertEqual(self.names("labelSelector=tier,env%3Dprod"), ["l1"])

    def test_field_selectors_and_errors(self):
        self.assertEqual(self.names("fieldSelector=metadata.name%3Dl2"), ["l2"])
        self.assertEqual(self.names("fieldSelector=metadata.name!%3Dl2"), ["l1", "l3"])
        self.assertStatus(self.req("GET", f"{ING}/ingresses?fieldSelector=spec.x%3Dy"), 400, "BadRequest")
        self.assertStatus(self.req("GET", f"{ING}/ingresses?labelSelector=a%20in%20(b"), 400, "BadRequest")


class WriteTest(ServerTest):
    def test_create_get_update_conflict(self):
        path = f"{ING}/namespaces/ns-x/ingresses"
        created = self.assertStatus(self.req("POST", path, ingress("c1")), 201)
        md = created["metadata"]
        self.assertTrue(md["uid"] and md["creationTimestamp"])
        self.assertEqual(md["generation"], 1)
        self.assertStatus(self.req("POST", path, ingress("c1")), 409, "AlreadyExists")
        stale = created
        fresh = json.loads(json.dumps(created))
        fresh["metadata"]["labels"] = {"a": "b"}
        upd = self.assertStatus(self.req("PUT", f"{path}/c1", fresh), 200)
        self.assertGreater(int(upd["metadata"]["resourceVersion"]), int(md["resourceVersion"]))
        self.assertEqual(upd["metadata"]["generation"], 1, "labels are not spec: generation unchanged")
        stale["spec"]["rules"][0]["host"] = "other.example.com"
        st = self.assertStatus(self.req("PUT", f"{path}/c1", stale), 409, "Conflict")
        self.assertEqual(st["message"], 'Operation cannot be fulfilled on ingresses.networking.k8s.io "c1": the '
                         'object has been modified; please apply your changes to the latest version and try again')
        upd["spec"]["rules"][0]["host"] = "other.example.com"
        upd2 = self.assertStatus(self.req("PUT", f"{path}/c1", upd), 200)
        self.assertEqual(upd2["metadata"]["generation"], 2)
        self.assertEqual(upd2["metadata"]["uid"], md["uid"])
        st = self.assertStatus(self.req("GET", f"{path}/nope"), 404, "NotFound")
        self.assertEqual(st["message"], 'ingresses.networking.k8s.io "nope" not found')
        self.assertEqual(st["details"], {"name": "nope", "group": "networking.k8s.io", "kind": "ingresses"})

    def test_validation_422_with_causes(self):
        st = self.assertStatus(self.req("POST", f"{ING}/namespaces/ns-x/ingresses", ingress("Bad_Name")), 422,
                               "Invalid")
        self.assertEqual(st["details"]["causes"][0]["field"], "metadata.name")
        self.assertIn('Ingress.networking.k8s.io "Bad_Name" is invalid: metadata.name: Invalid value', st["message"])
        bad = ingress("x")
        del bad["metadata"]["name"]
        st = self.assertStatus(self.req("POST", f"{ING}/namespaces/ns-x/ingresses", bad), 422, "Invalid")
        self.assertEqual(st["details"]["causes"][0]["message"], "Required value: name or generateName is required")
        vs = {"apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
              "metadata": {"name": "t0", "namespace": "ns-x"},
              "spec": {"hosts": ["a"], "http": [{"route": [{"destination": {"host": "a"}}], "timeout": "0s"}]}}
        st = self.assertStatus(self.req("POST", f"{IST}/v1/namespaces/ns-x/virtualservices", vs), 422, "Invalid")
        self.assertEqual(st["details"]["causes"][0]["field"], "spec.http[0].timeout")
        vs["spec"]["http"][0]["timeout"] = "1.5s"
        self.assertStatus(self.req("POST", f"{IST}/v1/namespaces/ns-x/virtualservices", vs), 201)

    def test_namespace_must_exist_and_body_must_match(self):
        st = self.assertStatus(self.req("POST", f"{ING}/namespaces/ns-nope/ingresses", ingress("a", "ns-nope")),
                               404, "NotFound")
        self.assertEqual(st["message"], 'namespaces "ns-nope" not found')
        self.assertStatus(self.req("POST", f"{ING}/namespaces/ns-x/ingresses", ingress("a", "ns-y")), 400)
        wrong = ingress("a")
        wrong["apiVersion"] = "networking.k8s.io/v1beta1"
        self.assertStatus(self.req("POST", f"{ING}/namespaces/ns-x/ingresses", wrong), 400, "BadRequest")

    def test_malformed_bodies_are_400_and_server_survives(self):
        for body, ctype in ((b"{not json", "application/json"), (b"\xff\xfe", "application/json"),
                            (b"[1,2]", "application/json"), (b"a: [", "application/yaml")):
            r = self.req("POST", f"{ING}/namespaces/ns-x/ingresses", body, content_type=ctype)
            self.assertEqual(r.status, 400, (body, r.body))
        r = self.req("PATCH", f"{ING}/namespaces/ns-x/ingresses/web", b"[]", content_type="text/plain")
        self.assertStatus(r, 415, "UnsupportedMediaType")
        self.assertStatus(self.req("GET", "/version"), 200)

    def test_garbage_request_line_and_seed_batches_are_atomic(self):
        import socket
        with socket.create_connection(("127.0.0.1", self.srv.port), timeout=5) as s:
            s.sendall(b"\x00\x01 GARBAGE\r\n\r\n")
            self.assertIn(b"400", s.recv(300))
        before = self.srv.state()
        bad = "apiVersion: v1\nkind: Namespace\nmetadata: {name: ns-new}\n---\napiVersion: v1\nkind: Pod\n" \
              "metadata: {name: p}\n"
        self.assertStatus(self.req("POST", "/_test/seed", bad, content_type="application/yaml"), 400, "BadRequest")
        self.assertEqual(self.srv.state(), before)

    def test_deletecollection_by_label(self):
        path = f"{ING}/namespaces/ns-y/ingresses"
        for n in ("dc1", "dc2"):
            self.req("POST", path, ingress(n, "ns-y", {"batch": "dc"}))
        r = self.assertStatus(self.req("DELETE", f"{path}?labelSelector=batch%3Ddc"), 200)
        self.assertEqual(sorted(i["metadata"]["name"] for i in r["items"]), ["dc1", "dc2"])
        self.assertEqual(self.req("GET", f"{path}?labelSelector=batch%3Ddc").json()["items"], [])

    def test_delete_preconditions_and_status(self):
        path = f"{ING}/namespaces/ns-x/ingresses"
        obj = self.req("POST", path, ingress("d1")).json()
        st = self.assertStatus(self.req("DELETE", f"{path}/d1", {"preconditions": {"uid": "wrong"}}), 409, "Conflict")
        self.assertIn("Precondition failed: UID in precondition: wrong", st["message"])
        st = self.assertStatus(self.req("DELETE", f"{path}/d1", {"preconditions": {"resourceVersion": "1"}}), 409)
        self.assertIn("Precondition failed: ResourceVersion in precondition: 1", st["message"])
        pre = {"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": {
            "uid": obj["metadata"]["uid"], "resourceVersion": obj["metadata"]["resourceVersion"]}}
        st = self.assertStatus(self.req("DELETE", f"{path}/d1", pre), 200)
        self.assertEqual((st["kind"], st["status"]), ("Status", "Success"))
        self.assertStatus(self.req("GET", f"{path}/d1"), 404, "NotFound")

    def test_dry_run_stores_nothing(self):
        path = f"{ING}/namespaces/ns-x/ingresses"
        before = self.srv.state()
        r = self.assertStatus(self.req("POST", f"{path}?dryRun=All", ingress("dry")), 201)
        self.assertEqual(r["metadata"]["name"], "dry")
        web = self.req("GET", f"{path}/web").json()
        changed = json.loads(json.dumps(web))
        changed["spec"]["ingressClassName"] = "dry"
        self.assertEqual(self.assertStatus(self.req("PUT", f"{path}/web?dryRun=All", changed), 200)["spec"]
                         ["ingressClassName"], "dry")
        self.assertStatus(self.req("PATCH", f"{path}/web?dryRun=All", {"metadata": {"labels": {"x": "y"}}},
                                   content_type="application/merge-patch+json"), 200)
        self.assertStatus(self.req("DELETE", f"{path}/web?dryRun=All"), 200)
        self.assertEqual(self.srv.state(), before)
        self.assertStatus(self.req("POST", f"{path}?dryRun=Some", ingress("dry")), 400, "BadRequest")

    def test_patch_types(self):
        path = f"{ING}/namespaces/ns-x/ingresses"
        self.req("POST", path, ingress("p1"))
        r = self.assertStatus(self.req("PATCH", f"{path}/p1", {"metadata": {"labels": {"k": "v"}}},
                                       content_type="application/merge-patch+json"), 200)
        self.assertEqual(r["metadata"]["labels"], {"k": "v"})
        ops = [{"op": "add", "path": "/metadata/labels/j", "value": "w"},
               {"op": "remove", "path": "/metadata/labels/k"},
               {"op": "test", "path": "/spec/rules/0/host", "value": "p1.example.com"}]
        r = self.assertStatus(self.req("PATCH", f"{path}/p1", ops, content_type="application/json-patch+json"), 200)
        self.assertEqual(r["metadata"]["labels"], {"j": "w"})
        bad = [{"op": "test", "path": "/spec/rules/0/host", "value": "nope"}]
        self.assertEqual(self.req("PATCH", f"{path}/p1", bad, content_type="application/json-patch+json").status, 422)
        stale = {"metadata": {"resourceVersion": "1", "labels": {"z": "z"}}}
        self.assertStatus(self.req("PATCH", f"{path}/p1", stale, content_type="application/merge-patch+json"),
                          409, "Conflict")
        # strategic merge patch: Service ports merge by port, CRDs refuse it like kube
        svc = "/api/v1/namespaces/ns-x/services/web"
        smp = {"spec": {"ports": [{"port": 443, "name": "https"}],
                        "$setElementOrder/ports": [{"port": 80}, {"port": 443}]}}
        r = self.assertStatus(self.req("PATCH", svc, smp, content_type="application/strategic-merge-patch+json"), 200)
        self.assertEqual([p["port"] for p in r["spec"]["ports"]], [80, 443])
        self.assertNotIn("$setElementOrder/ports", r["spec"])
        self.assertStatus(self.req("PATCH", f"{IST}/v1/namespaces/ns-x/virtualservices/web", {"spec": {}},
                                   content_type="application/strategic-merge-patch+json"), 415,
                          "UnsupportedMediaType")

    def test_server_side_apply(self):
        path = f"{IST}/v1/namespaces/ns-x/destinationrules/dr1"
        cfg = {"apiVersion": "networking.istio.io/v1", "kind": "DestinationRule",
               "metadata": {"name": "dr1", "namespace": "ns-x", "labels": {"a": "1", "b": "2"}},
               "spec": {"host": "web", "trafficPolicy": {"tls": {"mode": "SIMPLE"}}}}
        ctype = "application/apply-patch+yaml"
        self.assertStatus(self.req("PATCH", path, cfg, content_type=ctype), 422, "Invalid")  # no fieldManager
        r = self.assertStatus(self.req("PATCH", path + "?fieldManager=meshpanel", cfg, content_type=ctype), 201)
        self.assertEqual(r["metadata"]["generation"], 1)
        # a field dropped from the applied config is removed; others' fields stay
        self.req("PATCH", path + "?fieldManager=other", {**cfg, "metadata": {
            "name": "dr1", "namespace": "ns-x", "labels": {"c": "3"}}, "spec": {}}, content_type=ctype)
        cfg2 = json.loads(json.dumps(cfg))
        del cfg2["metadata"]["labels"]["b"]
        cfg2["spec"]["trafficPolicy"]["tls"]["mode"] = "ISTIO_MUTUAL"
        r = self.assertStatus(self.req("PATCH", path + "?fieldManager=meshpanel", cfg2, content_type=ctype), 200)
        self.assertEqual(r["metadata"]["labels"], {"a": "1", "c": "3"})
        self.assertEqual(r["spec"]["trafficPolicy"]["tls"]["mode"], "ISTIO_MUTUAL")
        self.assertEqual(r["metadata"]["generation"], 2)
        # conflict with another apply manager unless force
        steal = {**cfg2, "spec": {"host": "other"}}
        st = self.assertStatus(self.req("PATCH", path + "?fieldManager=thief", steal, content_type=ctype), 409,
                               "Conflict")
        self.assertIn('conflict with "meshpanel"', st["message"])
        r = self.assertStatus(self.req("PATCH", path + "?fieldManager=thief&force=true", steal, content_type=ctype),
                              200)
        self.assertEqual(r["spec"]["host"], "other")
        # YAML body, v1alpha3 view of the same object
        yaml_body = ("apiVersion: networking.istio.io/v1alpha3\nkind: DestinationRule\nmetadata:\n  name: dr1\n"
                     "  namespace: ns-x\nspec:\n  host: other\n")
        r = self.assertStatus(self.req("PATCH", f"{IST}/v1alpha3/namespaces/ns-x/destinationrules/dr1"
                                       "?fieldManager=thief", yaml_body, content_type=ctype), 200)
        self.assertEqual(r["apiVersion"], "networking.istio.io/v1alpha3")

    def test_same_object_through_every_version(self):
        for v in ("v1", "v1beta1", "v1alpha3"):
            r = self.assertStatus(self.req("GET", f"{IST}/{v}/namespaces/ns-x/virtualservices/web"), 200)
            self.assertEqual(r["apiVersion"], f"networking.istio.io/{v}")
            self.assertEqual(r["spec"]["hosts"], ["web.cloud.example.com"])
            items = self.req("GET", f"{IST}/{v}/namespaces/ns-x/virtualservices").json()["items"]
            self.assertEqual(items[0]["apiVersion"], f"networking.istio.io/{v}", "CRD list items are typed")

    def test_builtin_list_items_omit_type_like_kube(self):
        body = self.req("GET", f"{ING}/namespaces/ns-x/ingresses").json()
        self.assertEqual((body["kind"], body["apiVersion"]), ("IngressList", "networking.k8s.io/v1"))
        self.assertTrue(body["items"])
        for item in body["items"]:
            self.assertNotIn("kind", item)
            self.assertNotIn("apiVersion", item)


class SecretTest(ServerTest):
    def test_metadata_only_list_and_get(self):
        r = self.assertStatus(self.req("GET", "/api/v1/namespaces/ns-x/secrets", accept=META_LIST + ",application/json"),
                              200)
        self.assertEqual((r["kind"], r["apiVersion"]), ("PartialObjectMetadataList", "meta.k8s.io/v1"))
        self.assertEqual([i["metadata"]["name"] for i in r["items"]], ["web-tls"])
        self.assertNotIn("c2VjcmV0", json.dumps(r))
        for item in r["items"]:
            self.assertEqual(set(item), {"kind", "apiVersion", "metadata"})
        r = self.assertStatus(self.req("GET", "/api/v1/namespaces/ns-x/secrets/web-tls", accept=META_ONE), 200)
        self.assertEqual(r["kind"], "PartialObjectMetadata")
        self.assertNotIn("data", r)
        # asking for a list shape on a single object (and nothing else) is 406, as in kube
        self.assertStatus(self.req("GET", "/api/v1/namespaces/ns-x/secrets/web-tls", accept=META_LIST), 406,
                          "NotAcceptable")
        full = self.assertStatus(self.req("GET", "/api/v1/namespaces/ns-x/secrets/web-tls"), 200)
        self.assertIn("tls.key", full["data"])
        log = self.srv.requests_log()
        metas = [e for e in log if e["path"] == "/api/v1/namespaces/ns-x/secrets"]
        self.assertTrue(metas and "PartialObjectMetadataList" in metas[0]["accept"])


class WatchTest(ServerTest):
    ARGS = ("--history", "20", "--bookmark-interval", "0.2")

    def test_resume_bookmarks_and_selector_transitions(self):
        base = f"{ING}/namespaces/ns-y/ingresses"
        rv = self.req("GET", base).json()["metadata"]["resourceVersion"]
        self.req("POST", base, ingress("w1", "ns-y", {"app": "w"}))
        self.req("PATCH", f"{base}/w1", {"metadata": {"labels": {"app": "other"}}},
                 content_type="application/merge-patch+json")
        self.req("PATCH", f"{base}/w1", {"metadata": {"labels": {"app": "w"}}},
                 content_type="application/merge-patch+json")
        self.req("DELETE", f"{base}/w1")
        events, clean = self.srv.watch(f"{base}?watch=1&resourceVersion={rv}&labelSelector=app%3Dw"
                                       "&allowWatchBookmarks=true", max_events=6, timeout=5)
        kinds = [(e["type"], e["object"]["metadata"].get("name")) for e in events if e["type"] != "BOOKMARK"]
        self.assertEqual(kinds, [("ADDED", "w1"), ("DELETED", "w1"), ("ADDED", "w1"), ("DELETED", "w1")])
        self.assertTrue(any(e["type"] == "BOOKMARK" for e in events))
        rvs = [int(e["object"]["metadata"]["resourceVersion"]) for e in events]
        self.assertEqual(rvs, sorted(rvs))

    def test_initial_state_then_live_events_and_timeout(self):
        base = f"{ING}/namespaces/ns-x/ingresses"
        t = threading.Timer(0.5, lambda: self.req("POST", base, ingress("live")))
        t.start()
        events, clean = self.srv.watch(f"{base}?watch=true&timeoutSeconds=2", timeout=10)
        t.join()
        self.assertTrue(clean, "timeoutSeconds ends the stream with the terminating chunk")
        names = [(e["type"], e["object"]["metadata"]["name"]) for e in events]
        self.assertIn(("ADDED", "web"), names)
        self.assertEqual(names[-1], ("ADDED", "live"))

    def test_send_initial_events_ends_with_marked_bookmark(self):
        current = self.req("GET", f"{ING}/namespaces/ns-x/ingresses").json()
        n = len(current["items"])
        events, _ = self.srv.watch(f"{ING}/namespaces/ns-x/ingresses?watch=1&sendInitialEvents=true"
                                   "&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true",
                                   max_events=n + 1, timeout=5)
        self.assertEqual([e["type"] for e in events], ["ADDED"] * n + ["BOOKMARK"])
        self.assertEqual(events[-1]["object"]["metadata"]["annotations"], {"k8s.io/initial-events-end": "true"})
        self.assertEqual(events[-1]["object"]["metadata"]["resourceVersion"], current["metadata"]["resourceVersion"])

    def test_expired_resource_version_is_410(self):
        base = f"{ING}/namespaces/ns-y/ingresses"
        for i in range(25):  # more writes than the 20-event history
            self.req("POST", base, ingress(f"h{i}", "ns-y"))
        events, _ = self.srv.watch(f"{base}?watch=1&resourceVersion=2", max_events=1, timeout=5)
        self.assertEqual(events[0]["type"], "ERROR")
        st = events[0]["object"]
        self.assertEqual((st["kind"], st["reason"], st["code"]), ("Status", "Expired", 410))
        self.assertRegex(st["message"], r"^too old resource version: 2 \(\d+\)$")

    def test_table_watch_sends_columns_once(self):
        base = f"{ING}/namespaces/ns-x/ingresses"
        events, _ = self.srv.watch(f"{base}?watch=1", accept="application/json;as=Table;v=v1;g=meta.k8s.io",
                                   max_events=2, timeout=5)
        self.assertEqual(events[0]["object"]["kind"], "Table")
        self.assertTrue(events[0]["object"]["columnDefinitions"])
        self.assertFalse(events[1]["object"]["columnDefinitions"])


class FaultTest(ServerTest):
    ARGS = ("--throttle", "1")

    def test_cli_throttle_then_admin_faults(self):
        r = self.req("GET", "/api/v1/namespaces")
        self.assertStatus(r, 429, "TooManyRequests")
        self.assertEqual(r.headers.get("Retry-After"), "1")
        self.assertStatus(self.req("GET", "/api/v1/namespaces"), 200)
        self.srv.faults(throttle=2)
        self.assertEqual([self.req("GET", "/api").status for _ in range(3)], [429, 429, 200])

    def test_fail_nth_write(self):
        path = f"{ING}/namespaces/ns-x/ingresses"
        self.srv.faults(fail_write_nth=2)
        self.assertStatus(self.req("POST", path, ingress("f1")), 201)
        st = self.assertStatus(self.req("POST", path, ingress("f2")), 500, "InternalError")
        self.assertIn("injected fault", st["message"])
        self.assertStatus(self.req("GET", f"{path}/f2"), 404)
        self.assertStatus(self.req("POST", path, ingress("f2")), 201)  # one-shot

    def test_drop_watch_after(self):
        self.srv.faults(drop_watch_after=2)
        try:
            events, clean = self.srv.watch(f"{ING}/ingresses?watch=1", timeout=5)
        finally:
            self.srv.faults(drop_watch_after=0)
        self.assertEqual(len([e for e in events if e["type"] == "ADDED"]), 2)
        self.assertFalse(clean, "a dropped watch ends without the terminating chunk")

    def test_faults_endpoint_needs_admin(self):
        r = self.req("POST", "/_test/faults", {"throttle": 5}, token="alice")
        self.assertStatus(r, 403, "Forbidden")
        self.assertStatus(self.req("POST", "/_test/faults", {"bogus": 1}), 400)
        self.assertEqual(self.srv.faults()["throttle"], 0)


class AuthTest(ServerTest):
    def test_tokens(self):
        self.assertStatus(self.req("GET", f"{ING}/ingresses", token=None), 401, "Unauthorized")
        self.assertStatus(self.req("GET", f"{ING}/ingresses", token="wrong"), 401, "Unauthorized")
        st = self.assertStatus(self.req("GET", "/api/v1/namespaces", token="alice"), 403, "Forbidden")
        self.assertEqual(st["message"], 'namespaces is forbidden: User "system:serviceaccount:ns-x:default" cannot '
                                        'list resource "namespaces" in API group "" at the cluster scope')
        self.assertStatus(self.req("GET", f"{ING}/namespaces/ns-y/ingresses", token="alice"), 403, "Forbidden")
        self.assertStatus(self.req("GET", f"{ING}/namespaces/ns-x/ingresses", token="alice"), 200)
        self.assertStatus(self.req("POST", f"{ING}/namespaces/ns-x/ingresses", ingress("mine"), token="alice"), 201)
        self.assertStatus(self.req("GET", "/apis", token="alice"), 200)
        users = {e["user"] for e in self.srv.requests_log()}
        self.assertIn("system:serviceaccount:ns-x:default", users)


class HttpsTest(ServerTest):
    ARGS = ("--https",)

    @classmethod
    def setUpClass(cls):
        cls.srv = ServerProcess("--seed", SEED, https=True)

    def test_client_certificate_and_ca(self):
        self.assertTrue(self.srv.url.startswith("https://127.0.0.1:"))
        r = self.srv.request("GET", "/api/v1/namespaces", token=None, client_cert=True)
        self.assertStatus(r, 200)
        self.assertStatus(self.srv.request("GET", "/api/v1/namespaces", token=None), 401, "Unauthorized")
        for f in ("ca.crt", "server.crt", "server.key", "client.crt", "client.key", "kubeconfig",
                  "kubeconfig-cert"):
            self.assertTrue(os.path.exists(os.path.join(self.srv.dir, f)), f)


if __name__ == "__main__":
    unittest.main()
