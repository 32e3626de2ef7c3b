// The parts of the Chaos Mesh v1alpha1 API (chaos-mesh.org, v2.6) that chaos/ uses, written
// from its CRD schema: kubernetes-types has no CRDs. Fields are optional where the CRD's are.
import type { ObjectMeta, LabelSelectorRequirement } from "kubernetes-types/meta/v1";

export type SelectorMode = "one" | "all" | "fixed" | "fixed-percent" | "random-max-percent";

export interface PodSelectorSpec {
    namespaces?: string[];
    nodes?: string[];
    pods?: { [namespace: string]: string[] };
    nodeSelectors?: { [key: string]: string };
    fieldSelectors?: { [key: string]: string };
    labelSelectors?: { [key: string]: string };
    expressionSelectors?: LabelSelectorRequirement[];
    annotationSelectors?: { [key: string]: string };
    podPhaseSelectors?: string[];
}

export interface PodSelector {
    selector: PodSelectorSpec;
    mode: SelectorMode;
    value?: string;
}

export interface PodChaosSpec extends PodSelector {
    action: "pod-kill" | "pod-failure" | "container-kill";
    containerNames?: string[];
    gracePeriod?: number;
    duration?: string;
}

export interface PodChaos {
    apiVersion: "chaos-mesh.org/v1alpha1";
    kind: "PodChaos";
    metadata: ObjectMeta;
    spec: PodChaosSpec;
}

export interface DelaySpec {
    latency: string;
    correlation?: string;
    jitter?: string;
    reorder?: { reorder: string; correlation?: string; gap: number };
}

export interface NetworkChaosSpec extends PodSelector {
    action: "netem" | "delay" | "loss" | "duplicate" | "corrupt" | "partition" | "bandwidth";
    duration?: string;
    direction?: "to" | "from" | "both";
    target?: PodSelector;
    externalTargets?: string[];
    device?: string;
    delay?: DelaySpec;
    loss?: { loss: string; correlation?: string };
    duplicate?: { duplicate: string; correlation?: string };
    corrupt?: { corrupt: string; correlation?: string };
    bandwidth?: { rate: string; limit: number; buffer: number; peakrate?: number; minburst?: number };
}

export interface NetworkChaos {
    apiVersion: "chaos-mesh.org/v1alpha1";
    kind: "NetworkChaos";
    metadata: ObjectMeta;
    spec: NetworkChaosSpec;
}
