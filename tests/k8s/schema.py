"""Strict schema check: every object becomes a TypeScript constant typed with its Kubernetes
API type (npm kubernetes-types, the generated OpenAPI types), and `tsc --strict` must accept
the file. Excess-property checks reject a misspelled field anywhere in an object literal, and
the types reject a wrong type (a string where a number belongs, a map where a list belongs)."""
import json
import os
import re
import shutil
import subprocess

from manifests import ROOT, ident

NODE_MODULES = os.path.join(ROOT, "tools", "node", "node_modules")
TSC = os.path.join(NODE_MODULES, ".bin", "tsc")
CHAOS_TYPES = os.path.join(os.path.dirname(__file__), "types", "chaos-mesh.d.ts")

# apiVersion -> module of kubernetes-types (or our declarations for the Chaos Mesh CRDs).
MODULES = {
    "v1": "kubernetes-types/core/v1",
    "apps/v1": "kubernetes-types/apps/v1",
    "batch/v1": "kubernetes-types/batch/v1",
    "networking.k8s.io/v1": "kubernetes-types/networking/v1",
    "policy/v1": "kubernetes-types/policy/v1",
    "rbac.authorization.k8s.io/v1": "kubernetes-types/rbac/v1",
    "autoscaling/v2": "kubernetes-types/autoscaling/v2",
    "chaos-mesh.org/v1alpha1": "./chaos-mesh",
}

TSCONFIG = {
    "compilerOptions": {
        "strict": True,
        "noEmit": True,
        "target": "ES2020",
        "module": "commonjs",
        "moduleResolution": "node",
        "baseUrl": NODE_MODULES,
        "types": [],
        "skipLibCheck": False,
    },
    "files": ["objects.ts"],
}


def typescript(docs):
    """The TypeScript source, and the object each line belongs to."""
    lines, owner = [], []
    aliases = {}
    body = []
    for i, doc in enumerate(docs):
        module = MODULES.get(doc.get("apiVersion"))
        if module is None:
            raise ValueError(f"{ident(doc)}: no TypeScript types for apiVersion {doc.get('apiVersion')}")
        alias = aliases.setdefault(module, "m" + str(len(aliases)))
        text = f"export const o{i}: {alias}.{doc['kind']} = {json.dumps(doc, indent=1)};"
        for line in text.splitlines():
            body.append((line, ident(doc)))
    for module, alias in aliases.items():
        lines.append(f'import type * as {alias} from "{module}";')
        owner.append("")
    for line, who in body:
        lines.append(line)
        owner.append(who)
    return "\n".join(lines) + "\n", owner


def check(docs, workdir):
    """Problems that tsc finds, each named by the object it is in."""
    os.makedirs(workdir, exist_ok=True)
    source, owner = typescript(docs)
    with open(os.path.join(workdir, "objects.ts"), "w") as f:
        f.write(source)
    with open(os.path.join(workdir, "tsconfig.json"), "w") as f:
        json.dump(TSCONFIG, f)
    shutil.copy(CHAOS_TYPES, os.path.join(workdir, "chaos-mesh.d.ts"))
    result = subprocess.run([TSC, "-p", ".", "--pretty", "false"], cwd=workdir, capture_output=True, text=True)
    problems = []
    for line in result.stdout.splitlines():
        m = re.match(r"(?:.*/)?objects\.ts\((\d+),\d+\): (error .*)", line)
        if m:
            problems.append(f"{owner[int(m.group(1)) - 1]}: {m.group(2)}")
        elif line.strip() and not line.startswith(" "):
            problems.append(line)
    if result.returncode != 0 and not problems:
        problems.append(f"tsc failed: {result.stdout}{result.stderr}")
    return problems
