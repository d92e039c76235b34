// Kubernetes Events (events.k8s.io/v1) on our objects: what `kubectl describe` shows operators.
import { randomBytes } from 'node:crypto';
import type * as k8s from '@kubernetes/client-node';

export interface EventTarget {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid?: string;
}

export async function emitEvent(
  events: k8s.EventsV1Api,
  target: EventTarget,
  event: { type: 'Normal' | 'Warning'; reason: string; action: string; note: string },
): Promise<void> {
  // events.k8s.io wants MicroTime: exactly six fractional digits (a Date would send three).
  const eventTime = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  await events.createNamespacedEvent({
    namespace: target.namespace,
    body: {
      metadata: {
        name: `${target.name}.${randomBytes(8).toString('hex')}`,
        namespace: target.namespace,
      },
      eventTime: eventTime as unknown as k8s.V1MicroTime,
      reportingController: 'autoscaler.vpsie.com/vpsie-autoscaler',
      reportingInstance: process.env.HOSTNAME ?? 'vpsie-autoscaler',
      type: event.type,
      reason: event.reason,
      action: event.action,
      note: event.note.slice(0, 1024),
      regarding: {
        apiVersion: target.apiVersion,
        kind: target.kind,
        namespace: target.namespace,
        name: target.name,
        uid: target.uid,
      },
    },
  });
}
