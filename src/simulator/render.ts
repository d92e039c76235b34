// The simulator's model rendered in the API's wire shapes. Typed by wire.ts, so a change to the
// contract there shows up here as a compile error instead of a silent disagreement.

import type {
  WireDatacenter,
  WireOffering,
  WireResource,
  WireSshKey,
  WireVmData,
  WireVmDetail,
  WireVmStatus,
} from '../vpsie/wire';
import type { SimDatacenter, SimPlan, SimSshKey } from './catalogue';
import { formatApiDate, type SimVm } from './state';

export function vmToWire(vm: SimVm): WireVmData {
  return {
    id: vm.id,
    identifier: vm.identifier,
    hostname: vm.hostname,
    default_ip: vm.phase === 'running' ? vm.publicIpv4 : '',
    default_ipv6: '',
    private_ip: vm.phase === 'running' ? vm.privateIp : '',
    ram: vm.plan.ramMb,
    cpu: vm.plan.cpu,
    ssd: vm.plan.diskGb,
    traffic: vm.plan.trafficGb,
    boxsize_id: vm.plan.id,
    datacenter_id: vm.datacenterId,
    dcIdentifier: vm.dcIdentifier,
    created_on: formatApiDate(vm.createdAt),
    state: vm.phase,
    power: vm.phase === 'running' ? 1 : 0,
    is_active: 1,
    is_deleted: 0,
    sshkey_id: vm.sshKeyIdentifier ?? null,
    script_id: vm.scriptIdentifier ?? null,
    projectId: vm.projectId,
    notes: vm.notes ?? null,
  };
}

export function vmDetailToWire(vm: SimVm): WireVmDetail {
  return { vmData: vmToWire(vm), vmTags: vm.tags.map((tag) => ({ tag })) };
}

export function vmStatusToWire(vm: SimVm): WireVmStatus {
  return { status: vm.phase };
}

export function sshKeyToWire(key: SimSshKey): WireSshKey {
  return {
    id: key.id,
    identifier: key.identifier,
    name: key.name,
    private_key: key.publicKey,
    created_on: key.createdOn,
    created_by: key.createdBy,
  };
}

export function datacenterToWire(dc: SimDatacenter): WireDatacenter {
  return {
    id: dc.id,
    identifier: dc.identifier,
    name: dc.name,
    code: dc.code,
    country: dc.country,
    city: dc.city,
    continent: dc.continent,
    available: dc.available,
    featured_dc: dc.featured,
  };
}

export function offeringToWire(plan: SimPlan): WireOffering {
  return {
    id: plan.identifier,
    name: plan.name,
    cpu: plan.cpu,
    ram: plan.ramMb,
    disk: plan.diskGb,
    bandwidth: plan.trafficGb,
    price: plan.priceMonthly,
    hourly_price: Math.round((plan.priceMonthly / 730) * 10_000) / 10_000,
    available: true,
    datacenter_id: null,
    category: plan.category,
  };
}

export function resourceToWire(plan: SimPlan): WireResource {
  return {
    identifier: plan.identifier,
    nickname: plan.name,
    cpu: plan.cpu,
    ram: plan.ramMb,
    ssd: plan.diskGb,
    traffic: plan.trafficGb,
    price: plan.priceMonthly,
  };
}
