import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service } from 'kubernetes-models/v1';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import type { K8sObject } from './render-kustomization';

interface Validatable {
  validate(): void;
}

/**
 * The OpenAPI schema validator (kubernetes-models / @kubernetes-models/keda, compiled from the Kubernetes and
 * KEDA schemas) for each kind deploy/k8s uses. A kind missing here fails the test rather than going unchecked.
 */
const MODELS: Record<string, (o: K8sObject) => Validatable> = {
  'v1/Namespace': (o) => new Namespace(o as never),
  'v1/ConfigMap': (o) => new ConfigMap(o as never),
  'v1/Service': (o) => new Service(o as never),
  'apps/v1/Deployment': (o) => new Deployment(o as never),
  'networking.k8s.io/v1/NetworkPolicy': (o) => new NetworkPolicy(o as never),
  'networking.k8s.io/v1/Ingress': (o) => new Ingress(o as never),
  'autoscaling/v2/HorizontalPodAutoscaler': (o) => new HorizontalPodAutoscaler(o as never),
  'policy/v1/PodDisruptionBudget': (o) => new PodDisruptionBudget(o as never),
  'keda.sh/v1alpha1/ScaledObject': (o) => new ScaledObject(o as never),
};

/** Schema problems of one object ('' when valid). */
export function schemaErrors(o: K8sObject): string {
  const model = MODELS[`${o.apiVersion}/${o.kind}`];
  if (!model) return `${o.apiVersion}/${o.kind}: no schema registered for this kind`;
  try {
    model(o).validate();
    return '';
  } catch (err) {
    return `${o.kind}/${o.metadata.name}: ${err instanceof Error ? err.message : String(err)}`;
  }
}
