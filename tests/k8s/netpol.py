"""A NetworkPolicy evaluator: which pod may open a connection to which pod port.

It follows the networking.k8s.io/v1 semantics: a pod selected by no policy of a direction is
open in that direction; a selected pod admits only what some selecting policy's rules allow;
a connection needs both the source's egress and the destination's ingress. Peers are
podSelector (the policy's namespace), namespaceSelector, or both; `to`/`from` or `ports`
left out mean everything. Named ports resolve against the destination pod. ipBlock peers
never match pods here (they are for addresses outside the cluster).

Pods outside the manifests that the flows involve (cluster DNS, the ingress controller) are
modelled as extra endpoints with the labels that Minikube gives them.
"""
from dataclasses import dataclass, field

from manifests import name_of, ns_of, of_kind, selector_matches, workloads


@dataclass(frozen=True)
class Port:
    number: int
    protocol: str = "TCP"
    name: str = ""


@dataclass
class Endpoint:
    namespace: str
    name: str
    labels: dict
    ports: list
    pod_spec: dict = field(default_factory=dict)

    @property
    def id(self):
        return f"{self.namespace}/{self.name}"


# Minikube's CoreDNS and ingress-nginx controller (the addon's labels).
EXTERNAL = [
    Endpoint("kube-system", "kube-dns", {"k8s-app": "kube-dns"}, [Port(53, "UDP", "dns"), Port(53, "TCP", "dns-tcp")]),
    Endpoint("ingress-nginx", "ingress-nginx-controller",
             {"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller"},
             [Port(80, "TCP", "http"), Port(443, "TCP", "https")]),
]


def endpoints(docs):
    """One endpoint per workload's pod template, plus the external ones."""
    out = []
    for w, spec, labels in workloads(docs):
        ports = [Port(p["containerPort"], p.get("protocol", "TCP"), p.get("name", ""))
                 for c in spec.get("containers", []) for p in c.get("ports", []) or []]
        out.append(Endpoint(ns_of(w), name_of(w), labels, ports, spec))
    return out + EXTERNAL


def namespace_labels(docs):
    labels = {}
    for ns in of_kind(docs, "Namespace"):
        name = name_of(ns)
        labels[name] = dict(ns.get("metadata", {}).get("labels", {}) or {})
        labels[name]["kubernetes.io/metadata.name"] = name
    for e in EXTERNAL:
        labels.setdefault(e.namespace, {"kubernetes.io/metadata.name": e.namespace})
    return labels


class Evaluator:
    def __init__(self, docs):
        self.policies = of_kind(docs, "NetworkPolicy")
        self.ns_labels = namespace_labels(docs)

    def _types(self, policy):
        spec = policy.get("spec", {})
        types = spec.get("policyTypes")
        if types:
            return set(types)
        return {"Ingress", "Egress"} if "egress" in spec else {"Ingress"}

    def _selecting(self, endpoint, direction):
        return [p for p in self.policies
                if ns_of(p) == endpoint.namespace and direction in self._types(p)
                and selector_matches(p.get("spec", {}).get("podSelector", {}), endpoint.labels)]

    def _peer_matches(self, peer, policy_ns, other):
        if "ipBlock" in peer:
            return False
        ns_sel = peer.get("namespaceSelector")
        pod_sel = peer.get("podSelector")
        if ns_sel is not None:
            if not selector_matches(ns_sel, self.ns_labels.get(other.namespace, {})):
                return False
        elif other.namespace != policy_ns:
            return False
        return pod_sel is None or selector_matches(pod_sel, other.labels)

    def _port_matches(self, rule_ports, dst, port):
        if not rule_ports:
            return True
        for rp in rule_ports:
            if rp.get("protocol", "TCP") != port.protocol:
                continue
            want = rp.get("port")
            if want is None:
                return True
            if isinstance(want, str):  # a named port: the destination's container port of that name
                if want == port.name:
                    return True
                continue
            end = rp.get("endPort", want)
            if want <= port.number <= end:
                return True
        return False

    def _rules_allow(self, policies, direction, other, dst, port):
        key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
        for p in policies:
            for rule in p.get("spec", {}).get(key, []) or []:
                peers = rule.get(peers_key)
                if peers and not any(self._peer_matches(peer, ns_of(p), other) for peer in peers):
                    continue
                if self._port_matches(rule.get("ports"), dst, port):
                    return True
        return False

    def allowed(self, src, dst, port):
        egress = self._selecting(src, "Egress")
        if egress and not self._rules_allow(egress, "Egress", dst, dst, port):
            return False
        ingress = self._selecting(dst, "Ingress")
        if ingress and not self._rules_allow(ingress, "Ingress", src, dst, port):
            return False
        return True


def allowed_flows(docs):
    """Every (source, destination, port/protocol) that the policies allow between endpoints."""
    ev = Evaluator(docs)
    eps = endpoints(docs)
    flows = set()
    for src in eps:
        for dst in eps:
            for port in dst.ports:
                if ev.allowed(src, dst, port):
                    flows.add((src.id, dst.id, f"{port.number}/{port.protocol}"))
    return flows
